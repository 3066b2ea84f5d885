namespace Lepton.Serving.Http;

/// <summary>Where the predict endpoint offers the images of answered single-image classifications; the sink decides what to keep, never blocking the request.</summary>
public interface ILabelCandidateSink
{
    void Offer(string predictionId, string model, ReadOnlySpan<float> probabilities, IReadOnlyList<string> classNames, byte[] image);
}
