namespace PerpPS.Cmdlets.Engine;

/// <summary>
/// The files of a tinylog directory, oldest first: the archives (names starting with '_',
/// at least 23 bytes, 'T' at index 9: tinylog's own pruning rule, spec §12.1) in name order,
/// then "current". Compressed archives (.Z) are skipped: they are not text.
/// </summary>
internal static class TinylogFiles
{
    public const string Current = "current";

    public static List<string> InOrder(string directory)
    {
        var archives = new List<string>();
        foreach (string file in Directory.EnumerateFiles(directory))
        {
            string name = Path.GetFileName(file);
            if (name.Length >= 23 && name[0] == '_' && name[9] == 'T' && !name.EndsWith(".Z", StringComparison.Ordinal))
                archives.Add(file);
        }
        archives.Sort(StringComparer.Ordinal);
        string current = Path.Combine(directory, Current);
        if (File.Exists(current)) archives.Add(current);
        return archives;
    }

    /// <summary>The last <paramref name="count"/> lines across the files (all when count &lt; 0).</summary>
    public static IEnumerable<string> Lines(string directory, int count)
    {
        var files = InOrder(directory);
        if (count < 0)
        {
            foreach (string f in files)
                foreach (string line in ReadLines(f))
                    yield return line;
            yield break;
        }
        var tail = new Queue<string>();
        // Newest file first, stopping as soon as enough lines are collected.
        var chunks = new List<List<string>>();
        int have = 0;
        for (int i = files.Count - 1; i >= 0 && have < count; i--)
        {
            var lines = ReadLines(files[i]).ToList();
            chunks.Add(lines);
            have += lines.Count;
        }
        for (int i = chunks.Count - 1; i >= 0; i--)
            foreach (string line in chunks[i])
            {
                tail.Enqueue(line);
                if (tail.Count > count) tail.Dequeue();
            }
        foreach (string line in tail) yield return line;
    }

    private static string[] ReadLines(string path)
    {
        try
        {
            return File.ReadAllLines(path);
        }
        catch (FileNotFoundException)
        {
            // Rotated away between listing and reading.
            return Array.Empty<string>();
        }
    }
}
