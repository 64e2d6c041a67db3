using System.CommandLine;
using FlowRunner.Cli;

var root = new RootCommand("FlowRunner: runs staged EDA recipes for neural-network accelerators (model, HLS, synthesis, memories, floor plan, power, PPA).");
root.Add(GlobalOptions.Workspace);
root.Add(GlobalOptions.Plugins);
foreach (var command in CommandCatalog.TopLevel()) root.Add(command);
var parsed = root.Parse(args);
if (parsed.Errors.Count > 0) return FlowRunner.Cli.Terminal.ErrorReport.Parse(parsed);
return await parsed.InvokeAsync();
