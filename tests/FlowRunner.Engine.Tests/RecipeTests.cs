using FlowRunner.Engine.Recipes;
using FlowRunner.Engine.Tests.Support;

namespace FlowRunner.Engine.Tests;

public class RecipeTests
{
    private const string Good = """
        name: demo
        params:
          word: 8
          label: "a"
        stages:
          - id: a
            kind: test.emit
            with: { value: "${params.label}-${params.word}", count: "${params.word}" }
          - id: b
            kind: test.sum
            needs: [a]
        """;

    [Fact]
    public void Interpolation_keeps_the_type_of_a_whole_reference_and_makes_text_of_a_partial_one()
    {
        using var ws = new Workspace();
        var plan = ws.Plan(ws.Write("r.yaml", Good));
        var a = plan.Stages["p000"][0];
        Assert.Equal("a-8", a.Options["value"]);
        Assert.Equal(8L, a.Options["count"]);
        Assert.Equal(["a"], plan.Stages["p000"][1].Upstream);
    }

    [Fact]
    public void Set_overrides_a_parameter_with_a_typed_value_and_rejects_unknown_ones()
    {
        using var ws = new Workspace();
        var file = ws.Write("r.yaml", Good);
        Assert.Equal(12L, ws.Plan(file, "word=12").Stages["p000"][0].Options["count"]);
        var e = Assert.Throws<RecipeException>(() => ws.Plan(file, "wrod=3"));
        Assert.Contains("no parameter 'wrod'", e.Errors.Single().Message);
        Assert.Equal("--set", e.Errors.Single().Mark.File);
    }

    [Fact]
    public void Every_error_is_reported_with_its_line_and_column()
    {
        using var ws = new Workspace();
        var file = ws.Write("bad.yaml", """
            name: bad
            colour: red
            params: { word: 8 }
            stages:
              - id: a
                kind: test.emitt
              - id: b
                kind: test.emit
                tool: yosys
                needs: [zz]
                with: { count: "many", valu: 3 }
            """);
        var e = Assert.Throws<RecipeException>(() => ws.Plan(file));
        var byLine = e.Errors.ToLookup(x => x.Mark.Line);
        Assert.All(e.Errors, x => Assert.Equal(file, x.Mark.File));
        Assert.Contains("unknown recipe key 'colour'", byLine[2].Single().Message);
        Assert.Equal(1, byLine[2].Single().Mark.Column);
        Assert.Contains("unknown stage kind 'test.emitt'", byLine[6].Single().Message);
        Assert.Contains("did you mean 'test.emit'", byLine[6].Single().Message);
        Assert.Contains("no adapter 'yosys'", byLine[9].Single().Message);
        Assert.Contains("needs 'zz'", byLine[10].Single().Message);
        Assert.Contains(byLine[11], x => x.Message.Contains("option 'count' must be an integer"));
        Assert.Contains(byLine[11], x => x.Message.Contains("no option 'valu'") && x.Message.Contains("did you mean 'value'"));
    }

    [Fact]
    public void A_cycle_in_needs_is_an_error_that_names_the_cycle()
    {
        using var ws = new Workspace();
        var e = Assert.Throws<RecipeException>(() => ws.Plan(ws.Write("c.yaml", """
            name: c
            stages:
              - { id: a, kind: test.sum, needs: [c] }
              - { id: b, kind: test.sum, needs: [a] }
              - { id: c, kind: test.sum, needs: [b] }
            """)));
        Assert.Contains(e.Errors, x => x.Message.Contains("cycle") && x.Message.Contains("a -> c -> b -> a"));
    }

    [Fact]
    public void Yaml_syntax_errors_name_the_place()
    {
        using var ws = new Workspace();
        var file = ws.Write("s.yaml", "name: s\nstages:\n  - id: a\n    kind: [unclosed\n");
        var e = Assert.Throws<RecipeException>(() => ws.Plan(file));
        Assert.StartsWith("YAML syntax", e.Errors.Single().Message);
        Assert.True(e.Errors.Single().Mark.Line >= 4);
    }

    [Fact]
    public void Extends_merges_parameters_and_stages_by_id()
    {
        using var ws = new Workspace();
        ws.Write("base.yaml", Good);
        var child = ws.Write("sub/child.yaml", """
            extends: ../base.yaml
            name: child
            params: { word: 4 }
            stages:
              - id: a
                with: { value: "child" }
              - { id: c, kind: test.sum, needs: [b] }
            """);
        var plan = ws.Plan(child);
        Assert.Equal("child", plan.Recipe.Name);
        var stages = plan.Stages["p000"];
        Assert.Equal(["a", "b", "c"], stages.Select(s => s.Id));
        Assert.Equal("child", stages[0].Options["value"]);
        Assert.Equal(4L, stages[0].Options["count"]);
        Assert.Equal("a", plan.Recipe.Params["label"]);
    }

    [Fact]
    public void Extends_of_a_missing_file_points_at_the_key()
    {
        using var ws = new Workspace();
        var f = ws.Write("x.yaml", "name: x\nextends: nowhere.yaml\nstages: []\n");
        var e = Assert.Throws<RecipeException>(() => RecipeLoader.Load(f));
        Assert.Equal(2, e.Errors.Single().Mark.Line);
    }

    [Fact]
    public void String_options_keep_the_text_as_written()
    {
        using var ws = new Workspace();
        var plan = ws.Plan(ws.Write("t.yaml", "name: t\nstages:\n  - { id: a, kind: test.emit, with: { value: 8.10 } }\n"));
        Assert.Equal("8.10", plan.Stages["p000"][0].Options["value"]);
    }

    [Fact]
    public void Defaults_fill_missing_options_and_the_recipe_seed_reaches_stages()
    {
        using var ws = new Workspace();
        var plan = ws.Plan(ws.Write("d.yaml", "name: d\nseed: 42\nstages:\n  - { id: a, kind: test.emit }\n"));
        var a = plan.Stages["p000"][0];
        Assert.Equal("x", a.Options["value"]);
        Assert.Equal(42, a.Seed);
    }
}
