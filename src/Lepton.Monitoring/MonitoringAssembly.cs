namespace Lepton.Monitoring;

/// <summary>Marks the monitoring assembly: drift statistics, windowed reports over the prediction log, live accuracy and alerts.</summary>
public static class MonitoringAssembly;
