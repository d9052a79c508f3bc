namespace PerpPS.Core.Client;

/// <summary>Where a control exchange failed, so each front end can word it as perp does.</summary>
public enum ControlStage
{
    Connect,
    Write,
    Read,
    /// <summary>perpd answered a subscribe request with an error (e.g. EUSERS: too many subscribers).</summary>
    Subscribe,
}
