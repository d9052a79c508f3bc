using PerpPS.Core.Protocol;

namespace PerpPS.Daemon;

/// <summary>
/// Each service's wanted state, kept under <c>BASE/.control/want/DEV-INO</c> so a perpd that
/// follows a crashed one resumes it (issue #11: down stays down, once stays once). Written only
/// when a command changes it (two bytes: main then log, each <c>u</c>, <c>o</c> or <c>d</c>),
/// never per restart; read at activation, where it wins over flag.down and flag.once; removed
/// when the service is deactivated, so after a clean shutdown the flag files rule again, as in
/// perp.
/// </summary>
internal sealed class WantedState
{
    private readonly string _directory;

    public WantedState(string baseDirectory)
    {
        _directory = Path.Combine(baseDirectory, ".control", "want");
        try { Directory.CreateDirectory(_directory); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    private string PathOf(ServiceId id) => Path.Combine(_directory, id.Device + "-" + id.Inode);

    /// <summary>Records what <paramref name="svc"/> now wants (write, then rename: never half a file).</summary>
    public void Save(Service svc)
    {
        string path = PathOf(svc.Id);
        try
        {
            File.WriteAllBytes(path + ".new", [Letter(svc.Main), Letter(svc.Log)]);
            File.Move(path + ".new", path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    private static byte Letter(Subservice sub) =>
        sub.Has(SubserviceFlags.WantDown) ? (byte)'d' : sub.Has(SubserviceFlags.IsOnce) ? (byte)'o' : (byte)'u';

    /// <summary>The recorded wants of a service, if a previous perpd left them.</summary>
    public bool TryLoad(ServiceId id, out char main, out char log)
    {
        main = log = 'u';
        try
        {
            byte[] b = File.ReadAllBytes(PathOf(id));
            if (b.Length < 2) return false;
            main = (char)b[0];
            log = (char)b[1];
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public void Forget(ServiceId id)
    {
        try { File.Delete(PathOf(id)); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
