namespace FlowRunner.Abstractions;

/// <summary>The value types a `with:` key may take; the engine checks recipe values against them.</summary>
public enum OptionType { String, Int, Double, Bool, List, Map, Any }

/// <summary>One documented `with:` key of a stage kind: type, default, unit and meaning.</summary>
public sealed record StageOption(string Key, OptionType Type, object? Default, string Description, string Unit = "", bool Required = false)
{
    /// <summary>Allowed values for a string option, or null when any value is accepted.</summary>
    public IReadOnlyList<string>? Choices { get; init; }

    /// <summary>Whether the value is a cell, module or port name that reaches the tools' scripts as it is, so it must be a plain name (a letter
    /// or `_`, then letters, digits, `_`): checked at validate time and by the adapter that uses it.</summary>
    public bool PlainName { get; init; }

    /// <summary>The stage's own check of a value's form (e.g. `13.8 MHz`), run by the planner at the option's place in the recipe: why the
    /// value does not fit, or null when it does.</summary>
    public Func<string, string?>? Form { get; init; }
}
