namespace FlowRunner.Floorplan.Model;

/// <summary>A floor-planning input that cannot be used, or an outline nothing fits in; the message names the file and line when there is one.</summary>
public sealed class FloorplanException(string message) : Exception(message);
