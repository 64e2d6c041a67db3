namespace FlowRunner.Models.Network;

/// <summary>A malformed network description, weights file or dataset; the message names the file and the place (line, key, layer, offset).</summary>
public class ModelFormatException(string message) : FormatException(message);
