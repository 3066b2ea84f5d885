using Lepton.Data;
using Lepton.Data.Profiles;
using Lepton.Engine;
using Lepton.Reports.Html;

namespace Lepton.Reports.Evaluation.Images;

/// <summary>
/// Images as report examples: raw inputs (N,C,H,W) as clients send them (pixels 0..255, before the model's preprocessing), read
/// once per batch for every model (each replays its own preprocessing); sliced by brightness and contrast; shown as thumbnails.
/// </summary>
public sealed class ImageExamples(IDataset dataset) : IReportExamples
{
    public IDataset Dataset { get; } = dataset;

    public string Kind => "image";

    public int Count => Dataset.Count;

    public IReadOnlyList<string> ClassNames => Dataset.ClassNames;

    public string SlicesNote => "by quartile of its raw pixels' mean (brightness) and standard deviation (contrast)";

    public IReportReader Open(IReadOnlyList<ScoredModel> models)
    {
        foreach (var m in models)
        {
            var inputs = m.Predictor.Signature.Inputs;
            if (inputs.Count != 1 || inputs[0].ExampleShape.Length != 3)
                throw new InvalidDataException($"{m.Name} takes {string.Join(", ", inputs.Select(i => $"'{i.Name}' {i.DType} {i.BatchShapeText}"))}, not images (C,H,W); " +
                                               "evaluate it on the kind of data it was trained on (a text or table data set version, NAME@V).");
        }
        return new Reader(Dataset, models.Count);
    }

    public IExampleViews Views(ScoredModel? model) => new Thumbnails(Dataset);

    private sealed class Reader(IDataset dataset, int models) : IReportReader
    {
        public IReadOnlyList<NumericStatisticName> Numeric { get; } = [new("brightness (mean pixel)"), new("contrast (pixel std)")];

        public IReadOnlyList<string> Categorical { get; } = [];

        public ReportBatch Read(int[] indices)
        {
            int count = indices.Length;
            var batch = dataset.GetBatch(indices);
            var raw = batch.Inputs.Contiguous(); // raw: (N,C,H,W) 0..255
            var values = raw.Span<float>();
            int row = values.Length / count;
            var labels = batch.Targets.Contiguous().To(DType.Int32).ToArray<int>();
            var mean = new double[count];
            var std = new double[count];
            for (int i = 0; i < count; i++)
            {
                var s = ExampleStatistics.Of(values.Slice(i * row, row));
                (mean[i], std[i]) = (s.Mean, s.Std);
            }
            IReadOnlyList<Tensor> inputs = [raw];
            return new ReportBatch(labels, [.. Enumerable.Repeat(inputs, models)], Preprocess: true, [mean, std], []);
        }
    }
}
