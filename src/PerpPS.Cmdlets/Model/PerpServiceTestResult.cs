namespace PerpPS.Cmdlets;

/// <summary>Test-PerpService -Detailed: the answer for one service, with its name and why.</summary>
public sealed class PerpServiceTestResult
{
    /// <summary>The service's name as asked for.</summary>
    public string Name { get; set; } = "";
    /// <summary>The perp base.</summary>
    public string Base { get; set; } = "";
    /// <summary>What Test-PerpService without -Detailed returns.</summary>
    public bool Passed { get; set; }
    /// <summary>The service's status; null when it does not exist.</summary>
    public PerpServiceStatus? Status { get; set; }
    /// <summary>Main's exact uptime when it runs.</summary>
    public TimeSpan? Uptime { get; set; }
    /// <summary>Why it passed or failed, in words.</summary>
    public string Reason { get; set; } = "";

    public override string ToString() => $"{Name}: {(Passed ? "passed" : "failed")} ({Reason})";
}
