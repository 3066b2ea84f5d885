using System.CommandLine;
using Lepton.Cli.Rendering;
using Lepton.Compression.Pruning;
using Lepton.Compression.Tracking;
using Lepton.Registry;
using Lepton.Training.Callbacks;

namespace Lepton.Cli.Commands;

/// <summary><c>lepton compress prune</c>: prune a model (channels or weight magnitudes), fine-tune it and register the result with its lineage.</summary>
public static class CompressPruneCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("MODEL") { Description = "The model to prune: name, name@3, name@production or a model folder." };
        var sparsity = new Option<double>("--sparsity")
        {
            Description = "Share removed: of each convolution's channels with --structured (0.5 halves them), else of the Conv2d and Linear weights.",
            DefaultValueFactory = _ => 0.5,
        };
        var structured = new Option<bool>("--structured") { Description = "Remove whole channels (a smaller, faster model) instead of zeroing single weights." };
        var linearUnits = new Option<bool>("--linear-units") { Description = "With --structured, also prune hidden Linear units." };
        var epochs = new Option<int>("--fine-tune-epochs") { Description = "Epochs of fine-tuning after pruning (0: none).", DefaultValueFactory = _ => 2 };
        var batch = new Option<int>("--batch-size") { Description = "Examples per fine-tuning step.", DefaultValueFactory = _ => 64 };
        var lr = new Option<double>("--lr") { Description = "Fine-tuning learning rate.", DefaultValueFactory = _ => 5e-4 };
        var optimizer = new Option<string>("--optimizer") { Description = "adam, adamw or sgd.", DefaultValueFactory = _ => "adam" };
        var seed = new Option<ulong>("--seed") { Description = "Seed for shuffling and dropout.", DefaultValueFactory = _ => 0 };
        var timingBatch = new Option<int>("--timing-batch") { Description = "Batch size of the inference timing.", DefaultValueFactory = _ => 256 };
        var timingRepeats = new Option<int>("--timing-repeats") { Description = "Timed runs per model (source and result alternate; the median counts).", DefaultValueFactory = _ => 5 };
        var (data, dataDir, outDir, register, store, threads, json) = CompressCliOptions.Create();
        var cmd = new Command("prune", "Prune a model, fine-tune it to recover accuracy, and register the result as a new model version whose lineage names its source.\n\n" +
                                       "Examples:\n  lepton compress prune fashion@production --sparsity 0.5 --structured --fine-tune-epochs 2 --data fashion-mnist\n" +
                                       "  lepton compress prune shapes@2 --sparsity 0.8 --fine-tune-epochs 1 --data shapes@1 --register shapes-sparse");
        cmd.Arguments.Add(model);
        foreach (var o in new Option[] { sparsity, structured, linearUnits, epochs, batch, lr, optimizer, seed, timingBatch, timingRepeats, data, dataDir, outDir, register, store, threads, json })
            cmd.Options.Add(o);
        cmd.SetAction(p => CommandRunner.Run(async ct =>
        {
            CommonOptions.ApplyThreads(p.GetValue(threads));
            var recipe = new PruneRecipe(p.GetValue(sparsity), p.GetValue(structured), p.GetValue(epochs), p.GetValue(batch), p.GetValue(lr), p.GetValue(optimizer)!,
                p.GetValue(seed), p.GetValue(linearUnits), p.GetValue(timingBatch), p.GetValue(timingRepeats)).Validate();
            var source = await ModelResolution.ResolveAsync(p.GetValue(model)!, p.GetValue(store), ct);
            string name = p.GetValue(register) ?? TrackedCompression.DefaultName(source, recipe.Structured ? "pruned" : "sparse");
            string dir = p.GetValue(outDir) ?? Path.Combine(CommonOptions.Home, "models", name);
            await using var registry = await ModelRegistry.OpenAsync(p.GetValue(store), ct);
            bool quiet = p.GetValue(json);
            using var progress = new ProgressBar(interactive: quiet ? false : null, plainOutput: quiet ? TextWriter.Null : null);
            var tracked = await TrackedCompression.PruneAsync(source, p.GetValue(data)!, p.GetValue(dataDir), recipe, dir, registry, name, RegistryOptions.Actor,
                [progress], ct);
            if (quiet) CompressionView.WriteJson(tracked);
            else CompressionView.Write(tracked);
            return tracked.Cancelled ? CommandRunner.ExitCancelled : 0;
        }));
        return cmd;
    }
}

/// <summary>Options every <c>lepton compress</c> verb shares: the data, where the result goes and how it is registered.</summary>
internal static class CompressCliOptions
{
    public static (Option<string> Data, Option<string?> DataDir, Option<string?> Out, Option<string?> Register, Option<string?> Store, Option<int?> Threads, Option<bool> Json) Create() =>
    (
        new Option<string>("--data")
        {
            Description = "The data to fine-tune and measure on: fashion-mnist or an image data set version (NAME@V) the model was trained on; its test split measures before and after.",
            DefaultValueFactory = _ => "fashion-mnist",
        },
        CommonOptions.DataDir(),
        new Option<string?>("--out") { Description = "Model folder to write (default: $LEPTON_HOME/models/<registered name>)." },
        new Option<string?>("--register") { Description = "Register the result as a new version of this name (default: the source's name with -pruned, -sparse or -distilled)." },
        RegistryOptions.Store(),
        CommonOptions.Threads(),
        CommonOptions.Json()
    );
}
