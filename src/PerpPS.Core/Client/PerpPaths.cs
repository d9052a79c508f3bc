namespace PerpPS.Core.Client;

/// <summary>The runtime objects perpd keeps under a base directory (spec §1.4).</summary>
public static class PerpPaths
{
    public const string ControlDirectory = ".control";
    public const string SocketName = "perpd.sock";
    public const string PidFileName = "perpd.pid";
    public const string DefaultBase = "/etc/perp";

    public static string ControlSocket(string baseDirectory) =>
        Join(baseDirectory, ControlDirectory + "/" + SocketName);

    public static string PidFile(string baseDirectory) =>
        Join(baseDirectory, ControlDirectory + "/" + PidFileName);

    /// <summary>base + "/" + rest, written the way perp's tools build it (no doubled slash).</summary>
    public static string Join(string baseDirectory, string rest) =>
        baseDirectory.EndsWith('/') ? baseDirectory + rest : baseDirectory + "/" + rest;
}
