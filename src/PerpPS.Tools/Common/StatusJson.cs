using PerpPS.Core.Policy;
using System.Buffers;
using System.Text;
using System.Text.Json;
using PerpPS.Core.Posix;
using PerpPS.Core.Protocol;
using PerpPS.Tools.Io;
using PerpPS.Tools.Perpls;

namespace PerpPS.Tools.Common;

/// <summary>
/// The JSON form of one service (perpls -j, perpstat -j): one object per line, schema in
/// docs/protocol-extensions.md ("JSON output"). Extended figures are null ("not available")
/// when perpd does not speak the protocol extension. Times are RFC 3339 UTC; a name that is
/// not UTF-8 is decoded with U+FFFD replacements.
/// </summary>
internal static class StatusJson
{
    public static Line Format(ServiceRow row, Tai64N now)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("name", Encoding.UTF8.GetString(row.Name));
            switch (row.Kind)
            {
                case RowKind.NotActivated:
                    w.WriteString("state", "inactive");
                    break;
                case RowKind.Error:
                    w.WriteString("state", "error");
                    w.WriteString("error", row.ErrorMessage);
                    w.WriteString("errno", Errno.Name(row.Errno));
                    break;
                default:
                    WriteStatus(w, row.Status, row.Extended, row.WaitingFor, now);
                    break;
            }
            w.WriteEndObject();
        }
        return new Line().B(buffer.WrittenSpan);
    }

    private static void WriteStatus(Utf8JsonWriter w, StatusRecord s, ExtendedStatus ext, DependencyWaitReason? wait, Tai64N now)
    {
        bool cull = (s.Flags & ServiceFlags.Cull) != 0;
        w.WriteString("state", !cull ? "active" : (s.Flags & ServiceFlags.Cycle) != 0 ? "reactivating" : "deactivating");
        w.WriteBoolean("extended", ext.HasExtension);
        w.WriteNumber("daemonPid", s.DaemonPid);
        Time(w, "activated", s.Activated);
        w.WriteNumber("activatedSeconds", Tai64N.RoundedSecondsBetween(now, s.Activated));
        w.WritePropertyName("main");
        WriteSub(w, s.Main, ext.HasExtension ? ext.Main : null, now, wait);
        w.WritePropertyName("log");
        if (s.HasLog) WriteSub(w, s.Log, ext.HasExtension ? ext.Log : null, now);
        else w.WriteNullValue();
    }

    /// <summary>perp's reading of a sub-service (spec §7.3/§8): up, down, starting (want up), resetting.</summary>
    public static string StateOf(SubserviceStatus sub, Tai64N now)
    {
        bool resetting = (sub.Flags & SubserviceFlags.IsReset) != 0;
        if (sub.Pid == 0) return sub.WantsDown ? "down" : "starting";
        if (resetting) return "resetting";
        return Tai64N.RoundedSecondsBetween(now, sub.When) < 1 ? "starting" : "up";
    }

    private static void WriteSub(Utf8JsonWriter w, SubserviceStatus sub, SubserviceExtension? ext, Tai64N now, DependencyWaitReason? wait = null)
    {
        w.WriteStartObject();
        w.WriteString("state", StateOf(sub, now));
        w.WriteNumber("pid", sub.Pid);
        w.WriteNumber("seconds", Tai64N.RoundedSecondsBetween(now, sub.When));
        Time(w, "since", sub.When);
        w.WriteBoolean("wantDown", sub.WantsDown);
        w.WriteBoolean("once", sub.IsOnce);
        w.WriteBoolean("paused", sub.IsPaused);
        if (ext is not { } e)
        {
            foreach (string n in (string[])["lastExit", "restarts", "restartsSinceStart", "startFailures", "processGroup", "processes", "cpuSeconds"]) w.WriteNull(n);
        }
        else
        {
            w.WritePropertyName("lastExit");
            if (e.LastExitKind == ExitKind.None) w.WriteNullValue();
            else
            {
                w.WriteStartObject();
                w.WriteString("kind", KindName(e.LastExitKind));
                if (e.ExitCode is { } code) w.WriteNumber("code", code); else w.WriteNull("code");
                if (e.Signal is { } sig)
                {
                    w.WriteNumber("signal", sig);
                    w.WriteString("signalName", SignalNames.Name(sig));
                }
                else
                {
                    w.WriteNull("signal");
                    w.WriteNull("signalName");
                }
                if (e.LastExitKind == ExitKind.ExecFailed) w.WriteString("errno", Errno.Name(e.LastExitValue)); else w.WriteNull("errno");
                Time(w, "time", e.LastExitTime);
                w.WriteNumber("runSeconds", Math.Round(e.LastRunNanoseconds / 1e9, 6));
                w.WriteEndObject();
            }
            w.WriteNumber("restarts", e.Restarts);
            w.WriteNumber("restartsSinceStart", e.RestartsSinceStart);
            w.WriteNumber("startFailures", e.StartFailures);
            w.WriteNumber("processGroup", e.ProcessGroup);
            if ((e.Present & ExtensionFields.Cgroup) != 0)
            {
                w.WriteNumber("processes", e.ProcessCount);
                w.WriteNumber("cpuSeconds", Perpstat.UsageReport.Seconds(e.CpuMicroseconds));
            }
            else
            {
                w.WriteNull("processes");
                w.WriteNull("cpuSeconds");
            }
            WritePolicy(w, e, sub, wait);
        }
        w.WriteEndObject();
    }

    /// <summary>The service-policy figures (docs/service-policy.md); null where perpd does not maintain them.</summary>
    private static void WritePolicy(Utf8JsonWriter w, SubserviceExtension e, SubserviceStatus sub, DependencyWaitReason? wait)
    {
        w.WritePropertyName("policy");
        if ((e.Present & ExtensionFields.Policy) == 0)
        {
            w.WriteNullValue();
            return;
        }
        var f = e.Policy;
        w.WriteStartObject();
        w.WriteBoolean("ready", (f & PolicyFlags.Ready) != 0 && sub.Pid != 0);
        w.WriteString("health", Perpstat.PolicyReport.HealthOf(f));
        w.WriteNumber("healthFailures", e.HealthFailures);
        w.WriteNumber("backoffSeconds", Math.Round(e.BackoffMilliseconds / 1000.0, 3));
        w.WriteBoolean("inBackoff", (f & PolicyFlags.Backoff) != 0);
        w.WriteBoolean("failed", (f & PolicyFlags.Failed) != 0);
        w.WriteBoolean("waitingForDependency", (f & PolicyFlags.WaitingForDependency) != 0);
        // perpstat names what it waits for (Core's DependencyWait); null when not waiting or not looked up.
        if (wait != null) w.WriteString("waitingFor", wait.Dependency); else w.WriteNull("waitingFor");
        if (wait != null) w.WriteString("waitReason", wait.ToString()); else w.WriteNull("waitReason");
        w.WriteEndObject();
    }

    public static string KindName(ExitKind k) => k switch
    {
        ExitKind.Exited => "exited",
        ExitKind.Killed => "killed",
        ExitKind.Dumped => "dumped",
        ExitKind.ExecFailed => "execFailed",
        ExitKind.Unknown => "unknown",
        _ => "none",
    };

    private static void Time(Utf8JsonWriter w, string name, Tai64N t)
    {
        if (t.ToDateTime() is { } d) w.WriteString(name, d.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", System.Globalization.CultureInfo.InvariantCulture));
        else w.WriteNull(name);
    }
}
