using Lepton.Engine;
using Lepton.NN.Losses;
using Lepton.NN.Serialization;
using Lepton.Training.Tasks;

namespace Lepton.Training.Tests.Tasks;

/// <summary>Each task's loss and target checks: the error names the task, what was received and the fix.</summary>
public sealed class TaskTargetTests
{
    [Fact]
    public void Create_EachKind_TheMatchingTaskAndLoss()
    {
        Assert.IsType<MulticlassTask>(TrainingTask.Create(TaskKind.Multiclass));
        Assert.Equal("bce_with_logits", TrainingTask.Create(TaskKind.Binary).Loss.Name);
        Assert.Equal("bce_with_logits", TrainingTask.Create(TaskKind.MultiLabel).Loss.Name);
        Assert.Equal("mse", TrainingTask.Create(TaskKind.Regression).Loss.Name);
        Assert.Equal("huber", new RegressionTask(loss: RegressionLoss.Huber).Loss.Name);
        Assert.Equal("l1", new RegressionTask(loss: RegressionLoss.L1).Loss.Name);
        Assert.Equal("cross_entropy", TrainingTask.Create(TaskKind.Multiclass).Loss.Name);
    }

    [Fact]
    public void Multiclass_MultiHotTargets_ErrorPointsToMultiLabel()
    {
        var error = Assert.Throws<ArgumentException>(() => new MulticlassTask().CheckTargets(Tensor.Zeros(4, 3)));
        Assert.StartsWith("Multiclass task:", error.Message);
        Assert.Contains("(4,3)", error.Message);
        Assert.Contains("multilabel task", error.Message);
    }

    [Fact]
    public void Binary_TwoLogits_ErrorSaysOneLogitOrMulticlass()
    {
        var task = new BinaryTask();
        var error = Assert.Throws<ArgumentException>(() => task.Loss.Compute(Tensor.Zeros(4, 2), Tensor.Zeros(4, 1)));
        Assert.StartsWith("Binary task:", error.Message);
        Assert.Contains("(4,2)", error.Message);
        Assert.Contains("Linear(..., 1)", error.Message);
        Assert.Contains("multiclass", error.Message);
    }

    [Fact]
    public void Binary_LabelTwo_ErrorNamesTheValue()
    {
        var error = Assert.Throws<ArgumentException>(() => new BinaryTask().CheckTargets(Tensor.FromArray(new[] { 0, 1, 2 }, 3)));
        Assert.Contains("got 2", error.Message);
        Assert.Contains("0 or 1", error.Message);
    }

    [Fact]
    public void Binary_Int32OrFlatTargets_SameLossAsFloatColumn()
    {
        var task = new BinaryTask();
        var logits = Tensor.FromArray(new float[] { 0.3f, -1.2f, 2f }, 3, 1);
        var expected = BCEWithLogitsLoss.Apply(logits, Tensor.FromArray(new float[] { 1, 0, 1 }, 3, 1)).Item();
        Assert.Equal(expected, task.Loss.Compute(logits, Tensor.FromArray(new[] { 1, 0, 1 }, 3)).Item(), 6);
        Assert.Equal(expected, task.Loss.Compute(logits, Tensor.FromArray(new float[] { 1, 0, 1 }, 3)).Item(), 6);
    }

    [Fact]
    public void MultiLabel_ClassIds_ErrorPointsToMulticlass()
    {
        var error = Assert.Throws<ArgumentException>(() => new MultiLabelTask().CheckTargets(Tensor.FromArray(new[] { 0, 2 }, 2)));
        Assert.StartsWith("Multilabel task:", error.Message);
        Assert.Contains("multi-hot", error.Message);
        Assert.Contains("multiclass task", error.Message);
    }

    [Fact]
    public void MultiLabel_OutputsOfAnotherWidth_ErrorNamesBothShapes()
    {
        var error = Assert.Throws<ArgumentException>(() => new MultiLabelTask().Loss.Compute(Tensor.Zeros(2, 3), Tensor.Zeros(2, 4)));
        Assert.Contains("(2,4)", error.Message);
        Assert.Contains("(2,3)", error.Message);
        Assert.Contains("Linear(..., 4)", error.Message);
    }

    [Fact]
    public void Regression_IntTargets_ErrorSaysConvert()
    {
        var error = Assert.Throws<ArgumentException>(() => new RegressionTask().CheckTargets(Tensor.FromArray(new[] { 1, 2 }, 2)));
        Assert.StartsWith("Regression task:", error.Message);
        Assert.Contains("To(DType.Float32)", error.Message);
    }

    [Fact]
    public void Regression_FlatTargetsForOneOutput_SameLossAsColumn()
    {
        var task = new RegressionTask();
        var o = Tensor.FromArray(new float[] { 1, 2, 4 }, 3, 1);
        Assert.Equal((0 + 1 + 4) / 3.0, task.Loss.Compute(o, Tensor.FromArray(new float[] { 1, 3, 2 }, 3)).Item(), 6);
        var error = Assert.Throws<ArgumentException>(() => task.Loss.Compute(Tensor.Zeros(3, 2), Tensor.FromArray(new float[] { 1, 3, 2 }, 3)));
        Assert.Contains("expected outputs (3, 1)", error.Message);
    }

    [Fact]
    public void Regression_TargetNamesDisagreeWithTargets_ErrorListsThem()
    {
        var task = new RegressionTask(new TaskSpec(TaskKind.Regression, TargetNames: ["price"]));
        var error = Assert.Throws<ArgumentException>(() => task.CheckTargets(Tensor.Zeros(5, 2)));
        Assert.Contains("price", error.Message);
        Assert.Contains("(5,2)", error.Message);
    }
}
