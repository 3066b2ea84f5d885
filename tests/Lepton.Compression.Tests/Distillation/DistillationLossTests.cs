using System.Text.Json;
using Lepton.Compression.Distillation;
using Lepton.Compression.Tests.Support;
using Lepton.NN.Tests.Support;
using Lepton.Engine;

namespace Lepton.Compression.Tests.Distillation;

/// <summary>The distillation loss against PyTorch (tools/fixtures/distill_loss.py) and finite differences.</summary>
public sealed class DistillationLossTests
{
    private static readonly JsonElement Root = Fixture.Load("distill_loss.json");

    public static TheoryData<string> Cases() => [.. Root.GetProperty("cases").EnumerateArray().Select(c => c.GetProperty("name").GetString()!)];

    private static JsonElement Case(string name) => Root.GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);

    private static (Tensor Student, Tensor[] Teachers, Tensor Labels, DistillationLoss Loss) Inputs(JsonElement c)
    {
        int n = c.GetProperty("n").GetInt32(), k = c.GetProperty("classes").GetInt32();
        var student = Tensor.FromArray(Fixture.Doubles(c.GetProperty("student")), n, k);
        student.RequiresGrad = true;
        var teachers = c.GetProperty("teachers").EnumerateArray().Select(t => Tensor.FromArray(Fixture.Doubles(t), n, k)).ToArray();
        var loss = new DistillationLoss(new DistillationLossOptions(c.GetProperty("temperature").GetDouble(), c.GetProperty("alpha").GetDouble()));
        return (student, teachers, Tensor.FromArray(Fixture.Ints(c.GetProperty("labels")), n), loss);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Compute_FixtureCase_MatchesPyTorchLossAndGradient(string name)
    {
        var c = Case(name);
        var (student, teachers, labels, loss) = Inputs(c);

        var targets = loss.SoftTargets(teachers);
        var value = loss.Compute(student, targets, labels);
        var grad = value.Backward().Get(student);

        Fixture.AssertClose(Fixture.Doubles(c.GetProperty("teacher_probs")), targets.ToDoubleArray(), 1e-12, 1e-15, "teacher_probs");
        Fixture.AssertClose([c.GetProperty("loss").GetDouble()], value.ToDoubleArray(), 1e-10, 1e-12, "loss");
        Fixture.AssertClose(Fixture.Doubles(c.GetProperty("grad_student")), grad.ToDoubleArray(), 1e-9, 1e-12, "grad_student");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Compute_FixtureCase_GradientMatchesFiniteDifferences(string name)
    {
        var (student, teachers, labels, loss) = Inputs(Case(name));
        var targets = loss.SoftTargets(teachers);

        GradCheck.Check(() => loss.Compute(student, targets, labels), [("student logits", student)], maxPerTensor: int.MaxValue);
    }

    [Fact]
    public void Compute_StudentEqualsTeacherSoftOnly_IsZero()
    {
        var logits = Tensor.FromArray(new double[] { 1, 2, 3, -1, 0, 4 }, 2, 3);
        var loss = new DistillationLoss(new DistillationLossOptions(Temperature: 3, Alpha: 1));

        var value = loss.Compute(logits, loss.SoftTargets([logits]), Tensor.FromArray(new[] { 0, 1 }, 2)).ToDoubleArray()[0];

        Assert.Equal(0, value, 12);
    }

    [Fact]
    public void SoftTargets_FloatTeachers_RowsSumToOne()
    {
        var loss = new DistillationLoss(new DistillationLossOptions(Temperature: 2));
        var a = Tensor.Randn(new Shape(4, 5), new Generator(1));
        var b = Tensor.Randn(new Shape(4, 5), new Generator(2));

        var p = loss.SoftTargets([a, b]).ToArray();

        for (int r = 0; r < 4; r++) Assert.Equal(1f, p.Skip(r * 5).Take(5).Sum(), 5);
    }

    [Theory]
    [InlineData(0.0, 0.5, "temperature")]
    [InlineData(-1.0, 0.5, "temperature")]
    [InlineData(4.0, 1.5, "alpha")]
    [InlineData(4.0, double.NaN, "alpha")]
    public void Options_OutOfRange_ThrowNamingTheOption(double temperature, double alpha, string named)
    {
        var e = Assert.Throws<ArgumentException>(() => new DistillationLoss(new DistillationLossOptions(temperature, alpha)));
        Assert.Contains(named, e.Message);
    }

    [Fact]
    public void Compute_TeacherOfOtherClassCount_ThrowsNamingBothShapes()
    {
        var loss = new DistillationLoss();
        var e = Assert.Throws<ArgumentException>(() =>
            loss.Compute(Tensor.Zeros(2, 3), Tensor.Zeros(2, 4), Tensor.FromArray(new[] { 0, 1 }, 2)));
        Assert.Contains("(2,4)", e.Message.Replace(" ", ""));
        Assert.Contains("(2,3)", e.Message.Replace(" ", ""));
    }
}
