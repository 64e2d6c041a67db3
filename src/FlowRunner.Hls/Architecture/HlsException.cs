namespace FlowRunner.Hls.Architecture;

/// <summary>A network, format or directive the accelerator generator cannot implement; the message names the layer or directive.</summary>
public sealed class HlsException(string message) : Exception(message);
