// The suite measures one daemon's fds, RSS and timing at a time: on a 2-core machine,
// tests running side by side would only measure each other.
[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)]
