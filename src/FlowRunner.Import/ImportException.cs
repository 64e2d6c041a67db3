using FlowRunner.Models.Network;

namespace FlowRunner.Import;

/// <summary>A model file FlowRunner cannot take: the message names the file and the layer, node or place at fault.</summary>
public sealed class ImportException(string message) : ModelFormatException(message);
