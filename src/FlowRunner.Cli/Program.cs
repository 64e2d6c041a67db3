using System.CommandLine;
using FlowRunner.Cli;
using FlowRunner.Cli.Terminal;

var root = new RootCommand("FlowRunner: runs staged EDA recipes for neural-network accelerators (model, HLS, synthesis, memories, floor plan, power, PPA).");
root.Add(GlobalOptions.Workspace);
root.Add(GlobalOptions.Plugins);
root.Add(GlobalOptions.AllowPath);
foreach (var command in CommandCatalog.TopLevel()) root.Add(command);
var parsed = root.Parse(args);
if (parsed.Errors.Count > 0) return ErrorReport.Parse(parsed);
try
{
    return await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (Exception e)
{
    return ErrorReport.Unhandled(e, GlobalOptions.WorkspaceOf(parsed));
}
