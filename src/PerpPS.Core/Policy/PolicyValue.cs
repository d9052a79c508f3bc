namespace PerpPS.Core.Policy;

/// <summary>
/// Checks one policy file's text before a client writes it, by perpd's own rule
/// (<see cref="ServicePolicy.Read"/> on that file alone), so New-/Set-PerpService refuse
/// exactly what perpd would log and ignore.
/// </summary>
public static class PolicyValue
{
    /// <summary>
    /// Why perpd could not use <paramref name="text"/> as file <paramref name="file"/> (the
    /// rule, without the "; ignored" perpd adds), or null when it can.
    /// </summary>
    public static string? Problem(string file, string text)
    {
        byte[] bytes = System.Text.Encoding.UTF8.GetBytes(text);
        var errors = new List<PolicyError>();
        _ = ServicePolicy.Read(f => f == file ? bytes : null, errors);
        if (errors.Count == 0) return null;
        string reason = errors[0].Reason;
        int cut = reason.LastIndexOf("; ", StringComparison.Ordinal);
        return cut > 0 ? reason[..cut] : reason;
    }
}
