using FlowRunner.Abstractions;

namespace FlowRunner.Engine.Tools.Scripting;

/// <summary>A value (a path, a name, an option) that cannot be written into a tool's script language without changing its meaning; the
/// message names the value, what it is and the character at fault, so the stage fails before the tool runs.</summary>
public sealed class ScriptValueException(string message) : StageFailedException(message);
