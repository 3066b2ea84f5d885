using Lepton.Monitoring.Alerts;

namespace Lepton.Factory.Recipes.Schema;

/// <summary>Parses an alert rule with the monitoring parser, turning its FormatException (which lists the allowed forms) into a problem text.</summary>
internal static class AlertRuleCheck
{
    public static (AlertRule? Rule, string? Problem) Parse(string text)
    {
        try
        {
            return (AlertRule.Parse(text).WithoutGroups(), null);
        }
        catch (FormatException ex)
        {
            return (null, ex.Message);
        }
    }
}
