namespace Lepton.Data.Images.Inspection;

/// <summary>
/// Thresholds of an inspection. Near duplicates: pHash candidates within <see cref="NearDuplicateDistance"/> 12 of 64 bits
/// (re-encoded, resized or brightened copies measured 0-10, unrelated images about 32 +- 4 but as close as 10 for
/// pictures of the same layout), confirmed when the 16x16 thumbnails correlate at least <see cref="LayoutCorrelation"/>
/// 0.98 in every channel and the fine detail (gray minus 3x3 blur) at least <see cref="DetailCorrelation"/> 0.5.
/// Measured on the planted acceptance folder (tests/Shared/PlantedImageFolder, stored at 64 and 96 px): copies have layout
/// 0.999-1.000 and detail 0.62-0.99; different discs at the same place reach layout 0.986 and detail 0.42. On 20,100
/// random clean images nothing matched. Images with detail RMS under <see cref="MinDetailRms"/> 1.5 gray levels are too
/// smooth for the detail check and are judged by their layout alone.
/// <see cref="ImbalanceRatio"/> 0.2: a class with fewer than a fifth of the largest class's items is reported (below
/// that, plain accuracy hides the class; a 1:5 ratio is where resampling or class weights usually start to matter).
/// <see cref="NearConstantStd"/> 2.0 (of 255): the pixel standard deviation below which an image is blank to the eye.
/// <see cref="PredictedProbabilities"/>, when given, are out-of-fold class probabilities per item path (in
/// manifest class order) and turn on the label-error check.
/// </summary>
public sealed record InspectionOptions(
    int NearDuplicateDistance = 12,
    double LayoutCorrelation = 0.98,
    double DetailCorrelation = 0.5,
    double MinDetailRms = 1.5,
    double ImbalanceRatio = 0.2,
    int MinSide = 16,
    int MaxSide = 10_000,
    double MaxAspectRatio = 5.0,
    double NearConstantStd = 2.0,
    IReadOnlyDictionary<string, float[]>? PredictedProbabilities = null);
