using System.Management.Automation;

namespace PerpPS.Cmdlets;

/// <summary>
/// Rehydrates deserialized Perp objects (remoting, Import-Clixml) into the real types when the
/// module is loaded on the receiving side (Perp.types.ps1xml names this converter and
/// TargetTypeForDeserialization). Without it a deserialized Status is a bare number whose
/// ToString is the name, so <c>$_.Status -eq 'Up'</c> would be false on the client.
/// </summary>
public sealed class PerpObjectConverter : PSTypeConverter
{
    public override bool CanConvertFrom(object sourceValue, Type destinationType) =>
        sourceValue is PSObject pso && (destinationType == typeof(PerpService) || destinationType == typeof(PerpLogService) || destinationType == typeof(PerpDaemon))
        && pso.TypeNames.Contains("Deserialized." + destinationType.FullName);

    public override object? ConvertFrom(object sourceValue, Type destinationType, IFormatProvider formatProvider, bool ignoreCase)
    {
        var pso = (PSObject)sourceValue;
        if (destinationType == typeof(PerpLogService)) return Log(pso);
        if (destinationType == typeof(PerpDaemon))
            return new PerpDaemon
            {
                Base = Get<string>(pso, "Base") ?? "",
                Running = Get<bool>(pso, "Running"),
                Pid = Get<int>(pso, "Pid"),
                StartTime = Get<DateTime?>(pso, "StartTime"),
                Uptime = Get<TimeSpan?>(pso, "Uptime"),
                ServiceCount = Get<int>(pso, "ServiceCount"),
                LogPath = Get<string>(pso, "LogPath"),
            };
        return new PerpService
        {
            Name = Get<string>(pso, "Name") ?? "",
            Base = Get<string>(pso, "Base") ?? "",
            Path = Get<string>(pso, "Path") ?? "",
            Status = Enum<PerpServiceStatus>(pso, "Status"),
            Enabled = Get<bool>(pso, "Enabled"),
            Pid = Get<int>(pso, "Pid"),
            Uptime = Get<TimeSpan?>(pso, "Uptime"),
            StartTime = Get<DateTime?>(pso, "StartTime"),
            WantDown = Get<bool>(pso, "WantDown"),
            Once = Get<bool>(pso, "Once"),
            Paused = Get<bool>(pso, "Paused"),
            HasLog = Get<bool>(pso, "HasLog"),
            Log = pso.Properties["Log"]?.Value switch
            {
                PerpLogService rehydrated => rehydrated,
                PSObject log => Log(log),
                _ => null,
            },
            StartupType = Enum<PerpStartupType>(pso, "StartupType"),
            DownAtActivation = Get<bool>(pso, "DownAtActivation"),
            OnceAtActivation = Get<bool>(pso, "OnceAtActivation"),
            ActivationTime = Get<DateTime?>(pso, "ActivationTime"),
            DaemonPid = Get<int>(pso, "DaemonPid"),
            Panel = Get<string>(pso, "Panel") ?? "",
            LastExitKind = NullableEnum<PerpExitKind>(pso, "LastExitKind"),
            LastExitCode = Get<int?>(pso, "LastExitCode"),
            LastSignal = Get<int?>(pso, "LastSignal"),
            LastExitTime = Get<DateTime?>(pso, "LastExitTime"),
            LastRunTime = Get<TimeSpan?>(pso, "LastRunTime"),
            Restarts = Get<int?>(pso, "Restarts"),
            StartFailures = Get<int?>(pso, "StartFailures"),
            Ready = Get<bool?>(pso, "Ready"),
            Health = NullableEnum<PerpServiceHealth>(pso, "Health"),
            HealthFailures = Get<int?>(pso, "HealthFailures"),
            RequiredServices = Strings(pso, "RequiredServices"),
            DependentServices = Strings(pso, "DependentServices"),
            WaitingFor = Get<string>(pso, "WaitingFor"),
            WaitReason = Get<string>(pso, "WaitReason"),
            ProcessCount = Get<int?>(pso, "ProcessCount"),
            CpuTime = Get<TimeSpan?>(pso, "CpuTime"),
        };
    }

    public override bool CanConvertTo(object sourceValue, Type destinationType) => false;

    public override object? ConvertTo(object sourceValue, Type destinationType, IFormatProvider formatProvider, bool ignoreCase) =>
        throw new InvalidCastException();

    private static PerpLogService Log(PSObject pso) => pso.BaseObject as PerpLogService ?? new PerpLogService
    {
        Status = Enum<PerpServiceStatus>(pso, "Status"),
        Pid = Get<int>(pso, "Pid"),
        Uptime = Get<TimeSpan?>(pso, "Uptime"),
        StartTime = Get<DateTime?>(pso, "StartTime"),
        WantDown = Get<bool>(pso, "WantDown"),
        Paused = Get<bool>(pso, "Paused"),
        ProcessCount = Get<int?>(pso, "ProcessCount"),
        CpuTime = Get<TimeSpan?>(pso, "CpuTime"),
    };

    /// <summary>A nullable enum: null stays null (not available), else by name.</summary>
    private static T? NullableEnum<T>(PSObject pso, string name) where T : struct, Enum =>
        pso.Properties[name]?.Value is { } v && System.Enum.TryParse(v.ToString(), ignoreCase: true, out T parsed) ? parsed : null;

    /// <summary>A deserialized string[] arrives as a list of strings (or PSObjects around them).</summary>
    private static string[] Strings(PSObject pso, string name)
    {
        object? value = pso.Properties[name]?.Value;
        if (value is PSObject inner) value = inner.BaseObject;
        return value is System.Collections.IEnumerable items and not string
            ? items.Cast<object?>().Select(i => (i is PSObject p ? p.BaseObject : i)?.ToString() ?? "").ToArray()
            : [];
    }

    private static T? Get<T>(PSObject pso, string name)
    {
        object? value = pso.Properties[name]?.Value;
        if (value is PSObject inner) value = inner.BaseObject;
        return value is T t ? t : default;
    }

    /// <summary>A deserialized enum is its number with the name as ToString: the name decides.</summary>
    private static T Enum<T>(PSObject pso, string name) where T : struct, Enum
    {
        object? value = pso.Properties[name]?.Value;
        return value != null && System.Enum.TryParse(value.ToString(), ignoreCase: true, out T parsed) ? parsed : default;
    }
}
