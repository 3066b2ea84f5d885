using Lepton.Compression.Distillation;
using Lepton.Compression.Tests.Support;
using Lepton.Engine;
using Lepton.NN;
using Lepton.NN.Presets;
using Lepton.Training;
using Lepton.Training.Optimizers;
using Lepton.Training.Tasks;

namespace Lepton.Compression.Tests.Distillation;

public sealed class DistillationTrainerTests
{
    private static Module TrainedTeacher(ulong seed)
    {
        var teacher = ModelPresets.Build("cnn", 1, 8, 8, 3, new Generator(seed));
        new Trainer(teacher, new Adam(teacher.Parameters(), new AdamOptions(LearningRate: 3e-3)), new MulticlassTask())
            .Fit(SyntheticImages.Create(150, seed), null, new FitOptions(Epochs: 4, BatchSize: 16, Seed: seed));
        return teacher.Eval();
    }

    [Fact]
    public void Fit_TeacherEnsemble_StudentLearnsAndTeachersStayUnchanged()
    {
        var teachers = new[] { TrainedTeacher(1), TrainedTeacher(2) };
        var teacherWeights = teachers.Select(t => t.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.ToArray())).ToList();
        var student = ModelPresets.Build("mlp", 1, 8, 8, 3, new Generator(5));
        var test = SyntheticImages.Create(60, 99);
        var trainer = new DistillationTrainer(student, teachers, new DistillationOptions(Epochs: 4, BatchSize: 16, LearningRate: 2e-3));
        double before = trainer.Evaluator.Evaluate(test).Accuracy;

        var epochs = trainer.Fit(SyntheticImages.Create(150, 3), test);

        Assert.Equal(4, epochs.Count);
        Assert.True(epochs[^1].TrainLoss < epochs[0].TrainLoss, $"loss {epochs[0].TrainLoss} → {epochs[^1].TrainLoss}");
        Assert.True(epochs[^1].ValidationAccuracy >= 0.9, $"student accuracy {epochs[^1].ValidationAccuracy} (before {before})");
        for (int t = 0; t < teachers.Length; t++)
            foreach (var (name, value) in teachers[t].StateDict())
                Assert.Equal(teacherWeights[t][name], value.ToArray());
    }

    [Fact]
    public void TeacherTargets_UnderNoGrad_RecordNoGraph()
    {
        var teacher = ModelPresets.Build("cnn", 1, 8, 8, 3, new Generator(1));
        var trainer = new DistillationTrainer(ModelPresets.Build("mlp", 1, 8, 8, 3, new Generator(2)), [teacher]);

        var targets = trainer.TeacherTargets(SyntheticImages.Create(6, 1).Inputs);

        Assert.False(targets.RequiresGrad);
        Assert.Equal(new Shape(6, 3), targets.Shape);
    }

    [Fact]
    public void Constructor_StudentAsItsOwnTeacher_Throws()
    {
        var model = ModelPresets.Build("mlp", 1, 8, 8, 3, new Generator(2));
        var e = Assert.Throws<ArgumentException>(() => new DistillationTrainer(model, [model]));
        Assert.Contains("own teacher", e.Message);
    }
}
