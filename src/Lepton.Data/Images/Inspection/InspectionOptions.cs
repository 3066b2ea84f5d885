namespace Lepton.Data.Images.Inspection;

/// <summary>
/// Thresholds of an inspection. <see cref="NearDuplicateDistance"/> 8 of 64 pHash bits: re-encoded, slightly resized or
/// brightened copies measure 0-4 here, unrelated images about 32 +- 4, so 8 leaves a wide margin both ways.
/// <see cref="ImbalanceRatio"/> 0.2: a class with fewer than a fifth of the largest class's items is reported (below
/// that, plain accuracy hides the class; a 1:5 ratio is where resampling or class weights usually start to matter).
/// <see cref="NearConstantStd"/> 2.0 (of 255): the pixel standard deviation below which an image is blank to the eye.
/// <see cref="PredictedProbabilities"/>, when given, are out-of-fold class probabilities per item path (in
/// manifest class order) and turn on the label-error check.
/// </summary>
public sealed record InspectionOptions(
    int NearDuplicateDistance = 8,
    double ImbalanceRatio = 0.2,
    int MinSide = 16,
    int MaxSide = 10_000,
    double MaxAspectRatio = 5.0,
    double NearConstantStd = 2.0,
    IReadOnlyDictionary<string, float[]>? PredictedProbabilities = null);
