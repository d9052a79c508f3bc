using System.Text;

namespace PerpPS.Runtools.Common;

/// <summary>
/// The environment handed to the next program, kept in the order the kernel gave it.
/// Read from /proc/self/environ: .NET's Environment.SetEnvironmentVariable changes only a
/// managed copy, and execve needs the exact list we build here.
/// </summary>
internal sealed class Environ
{
    private readonly List<KeyValuePair<string, string>> _vars = new();

    /// <summary>The environment this process started with.</summary>
    public static Environ Current()
    {
        var env = new Environ();
        byte[] raw;
        try
        {
            raw = File.ReadAllBytes("/proc/self/environ");
        }
        catch (IOException)
        {
            foreach (System.Collections.DictionaryEntry e in Environment.GetEnvironmentVariables())
                env.Set((string)e.Key, (string?)e.Value ?? "");
            return env;
        }
        int start = 0;
        for (int i = 0; i <= raw.Length; i++)
        {
            if (i < raw.Length && raw[i] != 0) continue;
            if (i > start)
            {
                string entry = Encoding.UTF8.GetString(raw, start, i - start);
                int eq = entry.IndexOf('=');
                if (eq > 0) env._vars.Add(new(entry[..eq], entry[(eq + 1)..]));
            }
            start = i + 1;
        }
        return env;
    }

    public int Count => _vars.Count;

    public string? Get(string name)
    {
        foreach (var kv in _vars)
            if (kv.Key == name) return kv.Value;
        return null;
    }

    /// <summary>Sets a variable, replacing it in place if present.</summary>
    public void Set(string name, string value)
    {
        for (int i = 0; i < _vars.Count; i++)
        {
            if (_vars[i].Key != name) continue;
            _vars[i] = new(name, value);
            return;
        }
        _vars.Add(new(name, value));
    }

    public void Unset(string name) => _vars.RemoveAll(kv => kv.Key == name);

    public void Clear() => _vars.Clear();

    /// <summary>"NAME=value" strings for execve's envp.</summary>
    public string[] ToEntries()
    {
        var entries = new string[_vars.Count];
        for (int i = 0; i < entries.Length; i++) entries[i] = _vars[i].Key + "=" + _vars[i].Value;
        return entries;
    }
}
