namespace FlowRunner.Engine.Recipes;

/// <summary>One problem in a recipe, at a file, line and column.</summary>
public sealed record RecipeError(SourceMark Mark, string Message)
{
    public override string ToString() => $"{Mark}: {Message}";
}

/// <summary>A recipe that cannot run, with every problem found in it.</summary>
public sealed class RecipeException(IReadOnlyList<RecipeError> errors)
    : Exception(string.Join(Environment.NewLine, errors))
{
    public RecipeException(RecipeError error) : this([error]) { }

    public IReadOnlyList<RecipeError> Errors { get; } = errors;
}
