using Lepton.Training.Callbacks;
using Lepton.Training.Distributed;
using Lepton.Training.Workflows;

namespace Lepton.Training.Tests.Distributed;

public sealed class RankStopNoticeTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "lepton-stop-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void Message_WithCheckpoint_NamesEpochFolderAndResume()
    {
        Directory.CreateDirectory(_dir);
        File.WriteAllText(Path.Combine(_dir, ModelCheckpoint.TrainingStateFile), """{ "epoch": 3, "monitor": "loss", "loss": 0.5 }""");

        string message = RankStopNotice.Message(0, 4, _dir);

        Assert.Equal(3, TrainingResume.SavedEpoch(_dir));
        Assert.Contains("rank 0 of 4", message);
        Assert.Contains($"epoch 3, is intact in {_dir}", message);
        Assert.Contains("with --resume", message);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not json")]
    [InlineData("""{ "epoch": 0 }""")]
    [InlineData("""{ "loss": 1 }""")]
    public void Message_WithoutCompleteCheckpoint_SaysTrainWithoutResume(string? state)
    {
        Directory.CreateDirectory(_dir);
        if (state is not null) File.WriteAllText(Path.Combine(_dir, ModelCheckpoint.TrainingStateFile), state);

        Assert.Null(TrainingResume.SavedEpoch(_dir));
        Assert.Contains("without --resume", RankStopNotice.Message(1, 2, _dir));
    }

    [Fact]
    public void Register_SingleProcess_RegistersNothing() =>
        Assert.Null(RankStopNotice.Register(SingleProcessCommunicator.Instance, _dir));
}
