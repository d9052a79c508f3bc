namespace PerpPS.Core.Client;

/// <summary>Where a control exchange failed, so each front end can word it as perp does.</summary>
public enum ControlStage
{
    Connect,
    Write,
    Read,
}
