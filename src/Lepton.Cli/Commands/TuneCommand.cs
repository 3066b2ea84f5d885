using System.CommandLine;
using Lepton.Cli.Rendering;
using Lepton.Compression.Tuning;
using Lepton.Compression.Tuning.Distributed;
using Lepton.Compression.Tuning.Running;
using Lepton.Compression.Tuning.Sampling;
using Lepton.Compression.Tuning.Scheduling;
using Lepton.Compression.Tuning.Space;
using Lepton.Factory.Recipes.Schema;
using Lepton.Registry;
using Lepton.Registry.Store;
using Lepton.Training.Workflows;

namespace Lepton.Cli.Commands;

/// <summary><c>lepton tune</c>: hyperparameter search with TPE or random proposals and successive halving on epochs, resumable.</summary>
public static class TuneCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "fashion-mnist, an image or table data set version (NAME@V), or a tensor data set folder.", DefaultValueFactory = _ => "fashion-mnist" };
        var dataDir = CommonOptions.DataDir();
        var model = new Option<string>("--model") { Description = "The preset every trial trains (cnn, cnn-bn, resnet, ...); width and depth in the space resize cnn and cnn-bn.", DefaultValueFactory = _ => "cnn" };
        var space = new Option<string>("--space") { Description = "The search space file (space.yaml; see docs/tuning.md).", Required = true };
        var trials = new Option<int>("--trials") { Description = "Trials to run in all.", DefaultValueFactory = _ => 20 };
        var budget = new Option<string?>("--budget") { Description = "Wall-clock limit over every session of the study, e.g. 30m or 2h." };
        var parallel = new Option<int>("--parallel") { Description = "Trials at once; the CPU threads are divided among them.", DefaultValueFactory = _ => 1 };
        var sampler = new Option<string>("--sampler") { Description = "tpe (Optuna's default) or random.", DefaultValueFactory = _ => "tpe" };
        var study = new Option<string?>("--study") { Description = "The study's name: its state lives in $LEPTON_HOME/studies/NAME, and the same name resumes it (default: --register's name, else 'tune')." };
        var register = new Option<string?>("--register") { Description = "Register the best trial's model as a new version of this name." };
        var minEpochs = new Option<int>("--min-epochs") { Description = "Successive halving: the first rung (trials are compared after this many epochs).", DefaultValueFactory = _ => 1 };
        var maxEpochs = new Option<int>("--max-epochs") { Description = "Epochs of a trial that is never stopped.", DefaultValueFactory = _ => 9 };
        var eta = new Option<int>("--eta") { Description = "Successive halving: rungs at min-epochs * eta^k; the top 1/eta of a rung go on.", DefaultValueFactory = _ => 3 };
        var batch = new Option<int>("--batch-size") { Description = "Examples per step, unless the space sets batch_size.", DefaultValueFactory = _ => 64 };
        var lr = new Option<double>("--lr") { Description = "Learning rate, unless the space sets lr.", DefaultValueFactory = _ => 1e-3 };
        var optimizer = new Option<string>("--optimizer") { Description = "adam, adamw or sgd, unless the space sets optimizer.", DefaultValueFactory = _ => "adam" };
        var valSplit = new Option<double>("--validation-split") { Description = "Share of the training set held out to score trials on (never the test split).", DefaultValueFactory = _ => 0.1 };
        var seed = new Option<ulong>("--seed") { Description = "Seeds the sampler and every trial's weights and shuffling.", DefaultValueFactory = _ => 0 };
        var threshold = new Option<string?>("--threshold") { Description = "Tables with a yes/no label: the threshold rule of every trial (f1, precision=0.9, recall=0.8), chosen on the validation split; trials are then compared by it." };
        var classWeight = new Option<string?>("--class-weight") { Description = "Tables: weigh every trial's training rows by class (balanced, or yes=10)." };
        var monotone = new Option<string?>("--monotone") { Description = "Tables: columns every trial's trees keep monotone (income=increasing,debt_ratio=decreasing; see lepton train --monotone)." };
        var additive = new Option<bool>("--additive") { Description = "Tables: every trial's trees split on one column each (see lepton train --additive)." };
        var exclude = new Option<string?>("--exclude") { Description = "Tables: columns no trial learns from (home,age; see lepton train --exclude)." };
        var reweigh = new Option<string?>("--reweigh") { Description = "Tables: the column every trial's training rows are reweighed by (see lepton train --reweigh)." };
        var calibrate = new Option<string?>("--calibrate") { Description = "Tables (classifiers): every trial's probabilities calibrated on held-out predictions (sigmoid, isotonic, auto; see lepton train --calibrate)." };
        var intervals = new Option<double?>("--intervals") { Description = "Tables: the best trial answers with conformal intervals or sets at this level (0.9; see lepton train --intervals)." };
        var intervalsMethod = new Option<string?>("--intervals-method") { Description = "Tables (regressors), with --intervals: residuals or quantiles (two conformalized quantile models; see lepton train --intervals-method)." };
        var weightColumn = new Option<string?>("--weight-column") { Description = "Tables: the column every trial's rows are weighted by (see lepton train --weight-column)." };
        var loss = new Option<string?>("--loss") { Description = "Tables with a number label: every trial's loss (poisson, quantile=0.9, ...; see lepton train --loss); trials are compared by its metric on the validation split." };
        var worker = new Option<bool>("--worker") { Description = "Be one worker of a study shared through the PostgreSQL store (--store or LEPTON_STORE): start the same command on every machine; trials of a worker that dies go to the others." };
        var lease = new Option<string>("--lease") { Description = "With --worker: how long a silent worker keeps its trial before another takes it over.", DefaultValueFactory = _ => "2m" };
        var store = RegistryOptions.Store();
        var threads = CommonOptions.Threads();
        var json = CommonOptions.Json();

        var cmd = new Command("tune", "Search hyperparameters: TPE or random proposals, successive halving on epochs, parallel trials, a time budget; resumable.\n\n" +
                                      "Examples:\n  lepton tune --data fashion-mnist --model cnn --space space.yaml --trials 40 --budget 30m --parallel 2 --register fashion\n" +
                                      "  lepton tune --data churn@2 --space trees.yaml --trials 30 --sampler random --study churn-trees\n" +
                                      "  lepton tune --data fraud@3 --space trees.yaml --trials 30 --threshold f1 --register fraud\n" +
                                      "  lepton tune --worker --store postgres://lepton@db/lepton --study fashion --space space.yaml --trials 40   (on every machine)\n" +
                                      "Run the same command again after Ctrl+C or a crash to resume the study.");
        foreach (var o in new Option[] { data, dataDir, model, space, trials, budget, parallel, sampler, study, register, minEpochs, maxEpochs, eta, batch, lr, optimizer, valSplit, seed, threshold, classWeight, loss, monotone, additive, exclude, reweigh, calibrate, intervals, intervalsMethod, weightColumn, worker, lease, store, threads, json })
            cmd.Options.Add(o);

        cmd.SetAction(p => CommandRunner.Run(async ct =>
        {
            CommonOptions.ApplyThreads(p.GetValue(threads));
            TimeSpan? limit = p.GetValue(budget) is { } text
                ? Durations.TryParse(text) ?? throw new ArgumentException($"--budget {text} is not a duration; give {Durations.Forms}.")
                : null;
            string name = p.GetValue(study) ?? p.GetValue(register) ?? "tune";
            Registry.References.ModelName.Validate(name, "study name");
            var options = new StudyOptions(name, Path.Combine(CommonOptions.Home, "studies", name), p.GetValue(trials), p.GetValue(parallel), limit,
                p.GetValue(sampler)!, p.GetValue(seed), new SuccessiveHalving(p.GetValue(minEpochs), p.GetValue(maxEpochs), p.GetValue(eta)));
            var recipe = new ImageClassifierRecipe(Data: p.GetValue(data)!, DataDir: p.GetValue(dataDir), Model: p.GetValue(model)!, BatchSize: p.GetValue(batch),
                LearningRate: p.GetValue(lr), Optimizer: p.GetValue(optimizer)!, ValidationSplit: p.GetValue(valSplit), Seed: p.GetValue(seed));
            SharedStudy? shared = null;
            if (p.GetValue(worker))
            {
                var target = RegistryStoreFactory.Resolve(p.GetValue(store));
                if (target.Backend != "postgres")
                    throw new ArgumentException($"--worker shares the study through PostgreSQL, but the store is {target.Display}; give --store postgres://user:pass@host:port/db or set LEPTON_STORE.");
                TimeSpan leaseTime = Durations.TryParse(p.GetValue(lease)) ?? throw new ArgumentException($"--lease {p.GetValue(lease)} is not a duration; give {Durations.Forms}.");
                shared = new SharedStudy(target.Connection, new SharedStudyOptions(Lease: leaseTime));
            }
            var request = new TuneRequest(recipe, SearchSpaceYaml.Load(p.GetValue(space)!), options, p.GetValue(register), p.GetValue(threads) ?? 0, shared)
            {
                Threshold = p.GetValue(threshold),
                ClassWeight = p.GetValue(classWeight),
                Loss = p.GetValue(loss),
                Monotone = p.GetValue(monotone),
                Additive = p.GetValue(additive),
                Exclude = p.GetValue(exclude),
                Reweigh = p.GetValue(reweigh),
                Calibrate = p.GetValue(calibrate),
                Intervals = p.GetValue(intervals),
                IntervalsMethod = p.GetValue(intervalsMethod),
                WeightColumn = p.GetValue(weightColumn),
            };
            await using var registry = await ModelRegistry.OpenAsync(p.GetValue(store), ct);
            var outcome = await TuneView.LiveAsync(opened => TrackedTuning.RunAsync(request, registry, RegistryOptions.Actor, opened, ct), p.GetValue(json));
            if (p.GetValue(json)) TuneView.WriteJson(outcome);
            else TuneView.Write(outcome);
            return outcome.Stop == StudyStop.Cancelled ? CommandRunner.ExitCancelled : 0;
        }));
        return cmd;
    }
}
