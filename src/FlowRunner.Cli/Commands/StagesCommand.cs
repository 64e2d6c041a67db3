using System.CommandLine;
using FlowRunner.Abstractions;
using Spectre.Console;

namespace FlowRunner.Cli.Commands;

/// <summary>`flowrunner stages`: every stage kind, its adapters, whether each is available and the tool versions found; `--options` documents each `with:` key.</summary>
internal static class StagesCommand
{
    public static Command Create()
    {
        var options = new Option<bool>("--options") { Description = "Also list every `with:` option of each stage kind" };
        var kind = new Argument<string?>("kind") { Description = "Only this stage kind", Arity = ArgumentArity.ZeroOrOne };
        var cmd = new Command("stages", "List stage kinds and their adapters, with tool availability and versions.") { options, kind };
        cmd.SetAction(async (r, ct) =>
        {
            using var services = GlobalOptions.Services(r);
            var registry = GlobalOptions.Registry(services);
            var only = string.IsNullOrEmpty(r.GetValue(kind)) ? null : r.GetValue(kind);
            var table = new Table().Border(TableBorder.Rounded).AddColumns("kind", "adapter", "priority", "available", "tools");
            var found = false;
            foreach (var stage in registry.Stages.Where(s => only is null || s.Kind == only))
            {
                found = true;
                var first = true;
                foreach (var a in registry.Adapters(stage.Kind))
                {
                    var tools = await registry.ProbeAsync(a, ct);
                    var available = await registry.IsAvailableAsync(a, ct);
                    table.AddRow(first ? Markup.Escape(stage.Kind) : "", Markup.Escape(a.Id), a.Priority.ToString(),
                        available ? "[green]yes[/]" : "[red]no[/]",
                        Markup.Escape(tools.Count == 0 ? "(in-process)" : string.Join("; ", tools.Select(t => t.ToString()))));
                    first = false;
                }
                if (first) table.AddRow(Markup.Escape(stage.Kind), "[red](no adapter)[/]", "", "", "");
            }
            if (!found) { Console.Error.WriteLine($"error: no stage kind '{only}'"); return 2; }
            AnsiConsole.Write(table);
            if (r.GetValue(options))
                foreach (var stage in registry.Stages.Where(s => only is null || s.Kind == only))
                    PrintOptions(stage);
            return 0;
        });
        return cmd;
    }

    private static void PrintOptions(IStage stage)
    {
        AnsiConsole.MarkupLine($"\n[bold]{Markup.Escape(stage.Kind)}[/]: {Markup.Escape(stage.Description)}");
        if (stage.Reads.Count > 0) Console.WriteLine($"  reads: {string.Join(", ", stage.Reads)}");
        if (stage.Writes.Count > 0) Console.WriteLine($"  writes: {string.Join(", ", stage.Writes)}");
        if (stage.Reports.Count > 0) Console.WriteLine($"  reports: {string.Join(", ", stage.Reports)}");
        var t = new Table().Border(TableBorder.Simple).AddColumns("option", "type", "default", "unit", "meaning");
        foreach (var o in stage.Options)
            t.AddRow(Markup.Escape(o.Key), o.Type.ToString().ToLowerInvariant(), Markup.Escape(o.Required ? "(required)" : Engine.Recipes.Interpolator.Format(o.Default)),
                Markup.Escape(o.Unit), Markup.Escape(o.Description + (o.Choices is null ? "" : $" ({string.Join("|", o.Choices)})") + (o.PlainName ? " (a plain name: letters, digits, _)" : "")));
        AnsiConsole.Write(t);
    }
}
