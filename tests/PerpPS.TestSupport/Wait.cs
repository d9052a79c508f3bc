using System.Diagnostics;

namespace PerpPS.TestSupport;

/// <summary>Polling for an observable condition with a generous bound (never a timing assert).</summary>
public static class Wait
{
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(15);

    /// <summary>Waits until <paramref name="condition"/> holds; throws TimeoutException with <paramref name="what"/>.</summary>
    public static void Until(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var sw = Stopwatch.StartNew();
        var limit = timeout ?? Default;
        while (!condition())
        {
            if (sw.Elapsed > limit) throw new TimeoutException($"timed out after {limit.TotalSeconds}s waiting for: {what}");
            Thread.Sleep(20);
        }
    }

    /// <summary>Waits until <paramref name="probe"/> returns non-null and returns it.</summary>
    public static T For<T>(Func<T?> probe, string what, TimeSpan? timeout = null) where T : class
    {
        T? value = null;
        Until(() => (value = probe()) != null, what, timeout);
        return value!;
    }
}
