using PerpPS.Core.Cli;
using PerpPS.Tools.Cli;

namespace PerpPS.Tools.Common;

/// <summary>
/// The option loop every client tool runs (spec §14.1): -h prints the usage line and -V the
/// version, both ending the tool with 0; -b hands its argument to <c>setBase</c>; any other
/// letter goes to the tool's own <c>other</c>, which returns false for a letter it does not
/// take. An unknown letter or a missing argument ends the tool with perp's usage error
/// (perpctl's wording has a colon, hence <c>colon</c>).
/// </summary>
internal static class ClientOptions
{
    /// <returns>The scanner, positioned at the first operand.</returns>
    public static NextOpt Parse(ToolContext tool, Argv argv, string spec, Func<char, NextOpt, bool> other,
        Action<byte[]>? setBase = null, bool colon = false)
    {
        var opt = new NextOpt(argv.Text, spec);
        for (char c; (c = opt.Next()) != NextOpt.End;)
        {
            switch (c)
            {
                case 'h': tool.Usage(); throw new ToolExit(0);
                case 'V': tool.Version(); throw new ToolExit(0);
                case 'b' when setBase != null: setBase(argv.OptionArgument(opt)); break;
                default:
                    if (c == NextOpt.Invalid || c == NextOpt.MissingArgument || !other(c, opt))
                        throw tool.OptionError(c, opt.Got, colon);
                    break;
            }
        }
        return opt;
    }

    /// <summary>For a tool with no options of its own beyond -h, -V and -b.</summary>
    public static bool None(char c, NextOpt opt) => false;
}
