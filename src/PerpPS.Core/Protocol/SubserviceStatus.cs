namespace PerpPS.Core.Protocol;

/// <summary>One sub-service (main or log) as the status record reports it.</summary>
public readonly record struct SubserviceStatus(uint Pid, Tai64N When, SubserviceFlags Flags)
{
    public bool IsRunning => Pid != 0;
    public bool IsResetting => Pid != 0 && (Flags & SubserviceFlags.IsReset) != 0;
    public bool WantsDown => (Flags & SubserviceFlags.WantDown) != 0;
    public bool IsOnce => (Flags & SubserviceFlags.IsOnce) != 0;
    public bool IsPaused => (Flags & SubserviceFlags.IsPaused) != 0;
}
