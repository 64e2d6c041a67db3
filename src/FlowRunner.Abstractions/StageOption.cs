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
}
