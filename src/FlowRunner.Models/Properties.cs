using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("FlowRunner.Models.Tests")]
