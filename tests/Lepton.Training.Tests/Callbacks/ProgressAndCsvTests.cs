using Lepton.NN.Losses;
using Lepton.Training.Callbacks;
using Lepton.Training.Optimizers;
using Spectre.Console;

namespace Lepton.Training.Tests.Callbacks;

public sealed class ProgressAndCsvTests
{
    private static Trainer NewTrainer()
    {
        var model = ToyModels.Mlp();
        return new Trainer(model, new Adam(model.Parameters()), new CrossEntropyLoss());
    }

    [Fact]
    public void PlainModePrintsOneLinePerEpoch()
    {
        var output = new StringWriter();
        var bar = new ProgressBar(interactive: false, plainOutput: output);
        NewTrainer().Fit(ToyModels.XorBlobs(64, 1), ToyModels.XorBlobs(32, 2), new FitOptions(Epochs: 3, BatchSize: 16), [bar]);
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        Assert.StartsWith("training 3 epoch(s): 64 examples, 4 batches of 16", lines[0]);
        Assert.StartsWith("epoch 1/3  loss ", lines[1]);
        Assert.Contains("val_acc", lines[3]);
        Assert.Contains("img/s", lines[3]);
    }

    [Fact]
    public void LiveModeRendersToAnAnsiConsole()
    {
        var sink = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.Yes,
            Interactive = InteractionSupport.Yes,
            Out = new AnsiConsoleOutput(sink),
        });
        var bar = new ProgressBar(console, interactive: true, plainOutput: TextWriter.Null);
        var history = NewTrainer().Fit(ToyModels.XorBlobs(64, 1), null, new FitOptions(Epochs: 2, BatchSize: 16), [bar]);
        Assert.Equal(2, history.Epochs.Count);
        var text = sink.ToString();
        Assert.Contains("epoch 2/2  loss ", text);
        Assert.Contains("training 2 epoch(s)", text);
    }

    [Fact]
    public void CsvLoggerWritesHeaderAndOneRowPerEpoch()
    {
        string path = Path.Combine(Directory.CreateTempSubdirectory("lepton-csv-").FullName, "log.csv");
        try
        {
            NewTrainer().Fit(ToyModels.XorBlobs(64, 1), null, new FitOptions(Epochs: 2, BatchSize: 32), [new CsvLogger(path)]);
            var lines = File.ReadAllLines(path);
            Assert.Equal(CsvLogger.Header, lines[0]);
            Assert.Equal(3, lines.Length);
            Assert.StartsWith("2,", lines[2]);
            Assert.Equal(8, lines[2].Split(',').Length);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }
}
