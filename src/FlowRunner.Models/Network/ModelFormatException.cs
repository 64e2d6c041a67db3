namespace FlowRunner.Models.Network;

/// <summary>A malformed network description, weights file or dataset; the message names the file and the place (line, key, layer, offset).</summary>
public class ModelFormatException : FormatException
{
    public ModelFormatException(string message) : base(message) => Errors = [message];

    /// <summary>Several errors found at once (a network description's): the message is the first, with how many more.</summary>
    public ModelFormatException(IReadOnlyList<string> errors)
        : base(errors.Count == 1 ? errors[0] : $"{errors[0]} (and {errors.Count - 1} more error(s) in the description)") => Errors = errors;

    /// <summary>Every error, each with its file and place (`flowrunner validate` prints them all).</summary>
    public IReadOnlyList<string> Errors { get; }
}
