using Lepton.Engine;

namespace Lepton.Reports.Evaluation;

/// <summary>
/// The labelled examples of one modality (images, texts, table rows) a report evaluates, behind the two things a report
/// needs from them: a reader the scorer pulls batches of model inputs, labels and input statistics from, and the views the
/// error gallery shows (thumbnails, highlighted texts, rows).
/// </summary>
public interface IReportExamples
{
    /// <summary>What one example is, for people: <c>image</c>, <c>text</c> or <c>row</c>.</summary>
    string Kind { get; }

    int Count { get; }

    /// <summary>The class names the labels index.</summary>
    IReadOnlyList<string> ClassNames { get; }

    /// <summary>How the input-statistic slices are cut, as the end of a sentence ("by quartile of ...").</summary>
    string SlicesNote { get; }

    /// <summary>
    /// A reading pass for <paramref name="models"/>: checks that each can read these examples (an error names the model and
    /// what it takes) and prepares what turns examples into each model's inputs (a text model's tokenizer, a table model's encoders).
    /// </summary>
    IReportReader Open(IReadOnlyList<ScoredModel> models);

    /// <summary>
    /// The gallery's views of examples as <paramref name="model"/> saw them (a text's tokens highlighted by their attribution
    /// for that model's prediction); null gives views that need no model (the text alone).
    /// </summary>
    IExampleViews Views(ScoredModel? model);
}

/// <summary>A name of a per-example numeric statistic (sliced by quartile) and how its slice edges are printed.</summary>
public sealed record NumericStatisticName(string Name, string Format = "0.#");

/// <summary>Reads batches of a report's examples once for every model of a scoring pass.</summary>
public interface IReportReader
{
    /// <summary>The numeric statistics each batch gives per example, in order.</summary>
    IReadOnlyList<NumericStatisticName> Numeric { get; }

    /// <summary>The categorical statistics each batch gives per example (a text's script), in order.</summary>
    IReadOnlyList<string> Categorical { get; }

    /// <summary>Examples <paramref name="indices"/>: their class ids, each model's inputs and their statistics.</summary>
    ReportBatch Read(int[] indices);
}

/// <summary>
/// One batch of a scoring pass: class ids in the data's order, per model one (N, ...) tensor per input (raw values to
/// preprocess when <see cref="Preprocess"/> is true, else ready to run), and per statistic one value or key per example.
/// </summary>
public sealed record ReportBatch(int[] Labels, IReadOnlyList<IReadOnlyList<Tensor>> Inputs, bool Preprocess, double[][] Numeric, string[][] Categorical);

/// <summary>
/// HTML fragments of examples for the error gallery, each bounded in size and with every user-supplied character escaped;
/// <see cref="Prefetch"/> reads or explains a whole gallery at once.
/// </summary>
public interface IExampleViews
{
    /// <summary>True when a view needs the page's width (texts, rows) rather than a thumbnail's square.</summary>
    bool Wide { get; }

    void Prefetch(IReadOnlyCollection<int> indices, CancellationToken ct = default);

    /// <summary>The fragment of example <paramref name="index"/>, or null when there is nothing to show.</summary>
    string? Html(int index);

    /// <summary>
    /// Views that never run the model again, taken before the model is disposed: prefetched fragments stay as they are, any
    /// other example is shown without the model's detail (a text without highlights).
    /// </summary>
    IExampleViews Freeze();
}
