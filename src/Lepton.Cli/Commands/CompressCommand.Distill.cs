using System.CommandLine;
using Lepton.Cli.Rendering;
using Lepton.Compression.Distillation;
using Lepton.Compression.Tracking;
using Lepton.NN.Presets;
using Lepton.Registry;
using Lepton.Training.Callbacks;

namespace Lepton.Cli.Commands;

/// <summary><c>lepton compress distill</c>: train a small student to imitate one model or an ensemble, and register it with its lineage.</summary>
public static class CompressDistillCommand
{
    public static Command Create()
    {
        var teacher = new Option<string[]>("--teacher")
        {
            Description = "The teacher model(s): name, name@3, name@production or a folder; several (an ensemble, averaged) as A,B or repeated --teacher.",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var student = new Option<string>("--student")
        {
            Description = $"The student: a preset ({string.Join(", ", ModelPresets.Names)}) sized for the teachers' inputs and classes, a model.json or a model folder.",
            DefaultValueFactory = _ => "cnn",
        };
        var temperature = new Option<double>("--temperature") { Description = "Softens teacher and student distributions (Hinton et al.; 2-8 is usual).", DefaultValueFactory = _ => 4.0 };
        var alpha = new Option<double>("--alpha") { Description = "Weight of the teacher's soft targets against the true labels, in [0, 1].", DefaultValueFactory = _ => 0.7 };
        var epochs = new Option<int>("--epochs") { Description = "Passes over the training set.", DefaultValueFactory = _ => 5 };
        var batch = new Option<int>("--batch-size") { Description = "Examples per step.", DefaultValueFactory = _ => 64 };
        var lr = new Option<double>("--lr") { Description = "Learning rate (peak rate for schedules).", DefaultValueFactory = _ => 1e-3 };
        var optimizer = new Option<string>("--optimizer") { Description = "adam, adamw or sgd.", DefaultValueFactory = _ => "adam" };
        var schedule = new Option<string>("--schedule") { Description = "Learning-rate schedule: none, cosine, onecycle or step.", DefaultValueFactory = _ => "none" };
        var seed = new Option<ulong>("--seed") { Description = "Seed for the student's weights and shuffling.", DefaultValueFactory = _ => 0 };
        var timingBatch = new Option<int>("--timing-batch") { Description = "Batch size of the inference timing.", DefaultValueFactory = _ => 256 };
        var timingRepeats = new Option<int>("--timing-repeats") { Description = "Timed runs per model (source and result alternate; the median counts).", DefaultValueFactory = _ => 5 };
        var (data, dataDir, outDir, register, store, threads, json) = CompressCliOptions.Create();
        var cmd = new Command("distill", "Distill one model or an ensemble into a smaller student and register it as a model version whose lineage names its teachers.\n\n" +
                                         "Examples:\n  lepton compress distill --teacher fashion@production --student mlp --data fashion-mnist --epochs 5\n" +
                                         "  lepton compress distill --teacher shapes@3,shapes@4 --student cnn --data shapes@2 --temperature 4 --alpha 0.7 --register shapes-small");
        foreach (var o in new Option[] { teacher, student, temperature, alpha, epochs, batch, lr, optimizer, schedule, seed, timingBatch, timingRepeats, data, dataDir, outDir, register, store, threads, json })
            cmd.Options.Add(o);
        cmd.SetAction(p => CommandRunner.Run(async ct =>
        {
            CommonOptions.ApplyThreads(p.GetValue(threads));
            var recipe = new DistillRecipe(p.GetValue(student)!, p.GetValue(epochs), p.GetValue(batch), p.GetValue(lr), p.GetValue(optimizer)!, p.GetValue(schedule)!,
                p.GetValue(temperature), p.GetValue(alpha), p.GetValue(seed), p.GetValue(timingBatch), p.GetValue(timingRepeats)).Validate();
            var names = p.GetValue(teacher)!.SelectMany(t => t.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
            if (names.Count == 0) throw new ArgumentException("Name at least one teacher model with --teacher MODEL (several: --teacher A,B).");
            var teachers = new List<Lepton.Registry.ResolvedModel>();
            foreach (var n in names) teachers.Add(await ModelResolution.ResolveAsync(n, p.GetValue(store), ct));
            string name = p.GetValue(register) ?? TrackedCompression.DefaultName(teachers[0], "distilled");
            string dir = p.GetValue(outDir) ?? Path.Combine(CommonOptions.Home, "models", name);
            await using var registry = await ModelRegistry.OpenAsync(p.GetValue(store), ct);
            bool quiet = p.GetValue(json);
            // One line per epoch: the student trains outside Trainer.Fit, so the progress bar's batch hooks do not apply.
            var tracked = await TrackedCompression.DistillAsync(teachers, p.GetValue(data)!, p.GetValue(dataDir), recipe, dir, registry, name, RegistryOptions.Actor,
                quiet ? null : r => Console.WriteLine(EpochLine.Format(r, recipe.Epochs)), ct);
            if (quiet) CompressionView.WriteJson(tracked);
            else CompressionView.Write(tracked);
            return tracked.Cancelled ? CommandRunner.ExitCancelled : 0;
        }));
        return cmd;
    }
}
