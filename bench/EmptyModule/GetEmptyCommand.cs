using System.Management.Automation;

namespace EmptyModule;

/// <summary>Does nothing: the module exists to be imported.</summary>
[Cmdlet(VerbsCommon.Get, "Empty")]
public sealed class GetEmptyCommand : PSCmdlet
{
    protected override void ProcessRecord() => WriteObject(0);
}
