using FlowRunner.Abstractions;
using Microsoft.Extensions.DependencyInjection;

namespace FlowRunner.Stages;

/// <summary>Registers every built-in stage kind and its adapters with the service container.</summary>
public static class BuiltInStages
{
    public static IServiceCollection AddBuiltInStages(this IServiceCollection services)
    {
        // One line per stage kind and per adapter; each stage folder owns its classes.
        services.Stage<Model.ModelTrainStage>();
        services.Adapter<Model.ModelTrainAdapter>();
        services.Stage<Model.ModelLoadStage>();
        services.Adapter<Model.ModelLoadAdapter>();
        services.Stage<Import.ModelImportStage>();
        services.Adapter<Import.ModelImportAdapter>();
        services.Stage<Model.ModelAccuracyStage>();
        services.Adapter<Model.ModelAccuracyAdapter>();
        services.Stage<Model.ModelProfileStage>();
        services.Adapter<Model.ModelProfileAdapter>();
        services.Stage<Accuracy.AccuracySweepStage>();
        services.Adapter<Accuracy.AccuracySweepAdapter>();
        services.Stage<QuantSearch.QuantSearchStage>();
        services.Adapter<QuantSearch.QuantSearchAdapter>();
        services.Stage<Hls.HlsEmitStage>();
        services.Adapter<Hls.HlsEmitAdapter>();
        services.Stage<Synthesis.SynthStage>();
        services.Adapter<Synthesis.YosysSynthAdapter>();
        services.Adapter<Synthesis.AnalyticalSynthAdapter>();
        services.Stage<Memory.MemoryGenerateStage>();
        services.Adapter<Memory.MemoryCompilerAdapter>();
        services.Stage<Floorplan.FloorplanStage>();
        services.Adapter<Floorplan.AnnealerAdapter>();
        services.Stage<PlaceRoute.PlaceRouteStage>();
        services.Adapter<PlaceRoute.QflowAdapter>();
        services.Stage<Power.PowerStage>();
        services.Adapter<Power.AnalyticalPowerAdapter>();
        services.Adapter<Power.OpenStaPowerAdapter>();
        services.Stage<Report.ReportStage>();
        services.Adapter<Report.ReportAdapter>();
        return services;
    }

    private static IServiceCollection Stage<T>(this IServiceCollection s) where T : class, IStage => s.AddSingleton<IStage, T>();

    private static IServiceCollection Adapter<T>(this IServiceCollection s) where T : class, IToolAdapter => s.AddSingleton<IToolAdapter, T>();
}
