using System.Text.Json.Nodes;
using Lepton.Compression.Data;
using Lepton.Compression.Measurement;
using Lepton.Engine;
using Lepton.NN;
using Lepton.NN.Serialization;
using Lepton.Training;
using Lepton.Training.Tasks;
using Lepton.Training.Workflows;

namespace Lepton.Compression.Distillation;

/// <summary>A saved model to learn from: its folder and how to name it in lineage (<c>fashion@3</c>, or the folder).</summary>
public sealed record TeacherModel(string Folder, string Label);

/// <summary>One teacher as measured before distillation.</summary>
public sealed record TeacherMeasurement(string Label, ModelMeasurement Measurement);

/// <summary>What a distillation run did: the teachers and the student as measured on the test split, the epochs, and where the student went.</summary>
public sealed record DistillOutcome(
    string ModelDirectory,
    string StudentDescription,
    IReadOnlyList<TeacherMeasurement> Teachers,
    double EnsembleAccuracy,
    ModelMeasurement Student,
    IReadOnlyList<EpochRecord> Epochs);

/// <summary>
/// Distills one saved classifier or an ensemble into a student: loads and checks the teachers (same input, preprocessing and
/// classes), measures them, builds the student for their inputs and classes, trains it with <see cref="DistillationTrainer"/>,
/// and writes an ordinary model folder that takes the teachers' inputs (their stored preprocessing) and whose metadata names
/// its teachers (lineage) and how it was distilled, then measures it the same way.
/// </summary>
public static class DistillWorkflow
{
    /// <summary>Loads and checks the teachers; the first one's model.json is what <see cref="CompressionData.LoadAsync"/> needs.</summary>
    public static IReadOnlyList<LoadedModel> LoadTeachers(IReadOnlyList<TeacherModel> teachers)
    {
        ArgumentNullException.ThrowIfNull(teachers);
        if (teachers.Count == 0) throw new ArgumentException("Name at least one teacher model with --teacher MODEL (several: --teacher A,B).");
        var loaded = teachers.Select(t => ModelFile.Load(t.Folder)).ToList();
        var first = loaded[0].Spec;
        for (int i = 0; i < loaded.Count; i++)
        {
            var spec = loaded[i].Spec;
            if (spec.Task.Kind != TaskKind.Multiclass)
                throw new ArgumentException($"Distillation learns from classifiers; teacher {teachers[i].Label} is a {TaskSpec.NameOf(spec.Task.Kind)} model.");
            if (i == 0) continue;
            if (!spec.Input.Shape.SequenceEqual(first.Input.Shape))
                throw new ArgumentException(
                    $"Teachers {teachers[0].Label} and {teachers[i].Label} take different inputs ([{string.Join(", ", first.Input.Shape)}] and [{string.Join(", ", spec.Input.Shape)}]); an ensemble's teachers must read the same images.");
            if (!spec.ClassNames.SequenceEqual(first.ClassNames))
                throw new ArgumentException($"Teachers {teachers[0].Label} and {teachers[i].Label} predict different classes; an ensemble's teachers must share their classes.");
            if (!SamePreprocessing(CompressionData.PreprocessingOf(first), CompressionData.PreprocessingOf(spec)))
                throw new ArgumentException(
                    $"Teachers {teachers[0].Label} and {teachers[i].Label} normalize their inputs differently; an ensemble's teachers must store the same preprocessing.");
        }
        return loaded;
    }

    /// <summary>Distills <paramref name="teachers"/> into a student described by <paramref name="recipe"/> and writes it to <paramref name="outDir"/>.</summary>
    public static DistillOutcome Run(IReadOnlyList<TeacherModel> teachers, CompressionData data, DistillRecipe recipe, string outDir,
        Action<EpochRecord>? onEpoch = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        recipe = (recipe ?? throw new ArgumentNullException(nameof(recipe))).Validate();
        var loaded = LoadTeachers(teachers);
        var spec = loaded[0].Spec;
        var accuracies = loaded.Select(t => ModelMeasurement.Evaluate(t.Model, data.Test).Accuracy).ToList();
        // Teachers only give targets: read-only weights let their layers keep packed kernels between batches.
        var frozen = loaded.Select(t => t.Model.PrepareForInference()).ToList();

        var shape = spec.Input.Shape;
        int classes = spec.ClassNames.Count > 0 ? spec.ClassNames.Count : OutputWidth(frozen[0], shape);
        var (student, description) = ModelSource.Resolve(recipe.Student, new Generator(recipe.Seed),
            new ImageDataShape(shape[1], shape[2], shape[3], classes, data.Train.Count));
        var trainer = new DistillationTrainer(student, frozen, recipe.Options);
        double ensemble = frozen.Count == 1 ? accuracies[0] : EnsembleAccuracy(trainer, data.Test);
        var epochs = trainer.Fit(data.Train, data.Validation.Count > 0 ? data.Validation : null, onEpoch, ct);

        var report = trainer.Evaluator.Evaluate(data.Test);
        var metrics = new Dictionary<string, double>
        {
            ["test_accuracy"] = report.Accuracy,
            ["test_macro_f1"] = report.MacroAverage.F1,
            ["parameters"] = student.ParameterCount,
            ["teacher_test_accuracy"] = ensemble,
            ["teacher_parameters"] = frozen.Sum(t => t.ParameterCount),
        };
        if (report.Loss is { } loss) metrics["test_loss"] = loss;
        var metadata = Lineage(spec.Metadata, teachers, data.Reference, recipe, description);
        ModelFile.Save(outDir, student, spec with { Metrics = metrics, Metadata = metadata });
        // Teachers and student timed in alternation, each as serving loads it.
        var speeds = ModelMeasurement.ServedSpeeds([.. teachers.Select(t => t.Folder), outDir], recipe.TimingBatch, recipe.TimingRepeats, ct);
        var measured = teachers.Select((t, i) => new TeacherMeasurement(t.Label,
            new ModelMeasurement(accuracies[i], frozen[i].ParameterCount, ModelMeasurement.NonZero(frozen[i]), speeds[i]))).ToList();
        var after = new ModelMeasurement(report.Accuracy, student.ParameterCount, ModelMeasurement.NonZero(student), speeds[^1]);
        return new DistillOutcome(outDir, description, measured, ensemble, after, epochs);
    }

    // The accuracy of the teachers' averaged probabilities: what the student is taught to imitate.
    private static double EnsembleAccuracy(DistillationTrainer trainer, Lepton.Data.IDataset test)
    {
        long correct = 0;
        const int batch = 256;
        for (int start = 0; start < test.Count; start += batch)
        {
            var b = test.GetBatch(Enumerable.Range(start, Math.Min(batch, test.Count - start)).ToArray());
            var p = trainer.TeacherTargets(b.Inputs).ToArray();           // (N,C)
            var y = b.Targets.To(DType.Int32).Contiguous().Span<int>().ToArray();
            int c = p.Length / y.Length;
            for (int i = 0; i < y.Length; i++)
            {
                int best = 0;
                for (int k = 1; k < c; k++) if (p[i * c + k] > p[i * c + best]) best = k;
                if (best == y[i]) correct++;
            }
        }
        return test.Count == 0 ? 0 : (double)correct / test.Count;
    }

    private static int OutputWidth(Module teacher, IReadOnlyList<int> inputShape)
    {
        var dims = inputShape.ToArray();
        dims[0] = 1;
        var y = Runtime.Inference.Forward(teacher, Tensor.Zeros(new Shape(dims)));
        return y.Rank == 2 ? y.Shape[1] : throw new ArgumentException($"Distillation needs teachers that output class logits (N,C); this one outputs {y.Shape}.");
    }

    private static bool SamePreprocessing(Lepton.Data.Preprocessing a, Lepton.Data.Preprocessing b) =>
        a.Scale == b.Scale && a.Mean.SequenceEqual(b.Mean) && a.Std.SequenceEqual(b.Std);

    private static JsonObject Lineage(JsonObject? metadata, IReadOnlyList<TeacherModel> teachers, string dataset, DistillRecipe recipe, string student)
    {
        var m = metadata is null ? new JsonObject() : (JsonObject)metadata.DeepClone();
        m.Remove("compression");
        m["parent_model"] = string.Join(",", teachers.Select(t => t.Label));
        m["dataset"] = dataset;
        m["source"] = student;
        m["compression"] = new JsonObject
        {
            ["method"] = "distillation",
            ["teachers"] = new JsonArray(teachers.Select(t => (JsonNode)t.Label).ToArray()),
            ["student"] = recipe.Student,
            ["temperature"] = recipe.Temperature,
            ["alpha"] = recipe.Alpha,
            ["epochs"] = recipe.Epochs,
            ["learning_rate"] = recipe.LearningRate,
            ["optimizer"] = recipe.Optimizer,
            ["seed"] = recipe.Seed,
        };
        m["created_utc"] = DateTime.UtcNow.ToString("O");
        return m;
    }
}
