namespace Lepton.Data.Audio.Inspection;

/// <summary>
/// Thresholds of an audio inspection: a clip whose RMS is below <see cref="SilenceDb"/> dBFS is silence (speech at a normal
/// recording level sits around -30 to -15 dBFS; room noise under -60); a clip with more than <see cref="ClippedFraction"/>
/// of its source samples at full scale is clipped; clips shorter than <see cref="MinSeconds"/> or longer than
/// <see cref="MaxSeconds"/> are flagged; a class with fewer than <see cref="ImbalanceRatio"/> times the largest class's
/// clips is imbalanced.
/// </summary>
public sealed record AudioInspectionOptions(
    double SilenceDb = -50,
    double ClippedFraction = 0.001,
    double MinSeconds = 0.1,
    double MaxSeconds = 30,
    double ImbalanceRatio = 0.2);
