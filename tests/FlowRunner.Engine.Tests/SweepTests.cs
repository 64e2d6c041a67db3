using FlowRunner.Engine.Expressions;
using FlowRunner.Engine.Recipes;
using FlowRunner.Engine.Tests.Support;

namespace FlowRunner.Engine.Tests;

public class SweepTests
{
    private static string Recipe(string sweep) => $"""
        name: sw
        params: {"{"} word: 8, int: 4, lanes: 1 {"}"}
        stages:
          - {"{"} id: a, kind: test.emit, with: {"{"} count: "${"{"}params.word{"}"}" {"}"} {"}"}
        sweep:
        {sweep}
        """;

    [Fact]
    public void Grid_is_the_cartesian_product_filtered_by_where()
    {
        using var ws = new Workspace();
        var plan = ws.Plan(ws.Write("g.yaml", Recipe("  grid: { word: [4, 8], int: [2, 6] }\n  where: int <= word")));
        Assert.Equal(["word=4 int=2", "word=8 int=2", "word=8 int=6"], plan.Points.Select(p => p.Label));
        Assert.Equal(["p000", "p001", "p002"], plan.Points.Select(p => p.Id));
        Assert.Equal(8L, plan.Stages["p002"][0].Options["count"]);
    }

    [Fact]
    public void Zip_runs_lists_side_by_side_and_combines_with_grid()
    {
        using var ws = new Workspace();
        var plan = ws.Plan(ws.Write("z.yaml", Recipe("  zip: { word: [4, 8], int: [2, 4] }\n  grid: { lanes: [1, 3] }")));
        Assert.Equal(4, plan.Points.Count);
        Assert.All(plan.Points, p => Assert.Equal((long)p.Params["word"]! / 2, (long)p.Params["int"]!));
    }

    [Fact]
    public void Zip_lists_of_different_lengths_are_an_error()
    {
        using var ws = new Workspace();
        var e = Assert.Throws<RecipeException>(() => ws.Plan(ws.Write("z.yaml", Recipe("  zip: { word: [4, 8], int: [2] }"))));
        Assert.Contains("same length", e.Errors[0].Message);
    }

    [Fact]
    public void Random_points_are_seeded_and_within_range()
    {
        using var ws = new Workspace();
        var f = ws.Write("r.yaml", Recipe("  random: { count: 20, seed: 5, ranges: { word: [3, 16], lanes: { choices: [1, 2, 8] } } }"));
        var a = ws.Plan(f).Points.Select(p => p.Label).ToList();
        var b = ws.Plan(f).Points.Select(p => p.Label).ToList();
        Assert.Equal(a, b);
        Assert.All(ws.Plan(f).Points, p => Assert.InRange((long)p.Params["word"]!, 3, 16));
        Assert.True(a.Distinct().Count() > 5);
    }

    [Fact]
    public void List_gives_explicit_points_and_unknown_parameters_are_errors()
    {
        using var ws = new Workspace();
        Assert.Equal(2, ws.Plan(ws.Write("l.yaml", Recipe("  list: [{ word: 4 }, { word: 16, int: 8 }]"))).Points.Count);
        var e = Assert.Throws<RecipeException>(() => ws.Plan(ws.Write("u.yaml", Recipe("  grid: { wrd: [1] }"))));
        Assert.Contains("'wrd', which is not in `params:`", e.Errors[0].Message);
    }

    [Theory]
    [InlineData("int <= word", true)]
    [InlineData("word * 2 - 1 == 15 and not (int > 4)", true)]
    [InlineData("accuracy >= 0.97 or word < 4", false)]
    [InlineData("name == 'mnist'", true)]
    public void Expressions_evaluate(string text, bool expected)
    {
        var values = new Dictionary<string, object?> { ["int"] = 4L, ["word"] = 8L, ["accuracy"] = 0.95, ["name"] = "mnist" };
        Assert.Equal(expected, Expression.Parse(text).IsTrue(n => values.GetValueOrDefault(n)));
    }

    [Fact]
    public void Expression_errors_name_the_column_and_unknown_names()
    {
        Assert.Contains("column", Assert.Throws<FormatException>(() => Expression.Parse("word <= ")).Message);
        Assert.Contains("unknown name 'wrd'", Assert.Throws<FormatException>(() => Expression.Parse("wrd > 1").IsTrue(_ => null)).Message);
    }
}
