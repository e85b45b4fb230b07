using System.Reflection;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace OnlineRec.Storage.Contracts;

/// <summary>
/// A contract test: declared once in an abstract contract class, run once per implementation's test class. The
/// concrete class can skip all of them by exposing <c>public static string? ContractSkipReason</c> (e.g. when the
/// PostgreSQL server it needs is not configured) — an attribute on the base method cannot know which class runs it.
/// </summary>
[XunitTestCaseDiscoverer("OnlineRec.Storage.Contracts.ContractFactDiscoverer", "OnlineRec.Storage.Contracts")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class ContractFactAttribute : FactAttribute;

public sealed class ContractFactDiscoverer(IMessageSink diagnosticMessageSink) : IXunitTestCaseDiscoverer
{
    public const string SkipReasonProperty = "ContractSkipReason";

    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        var display = discoveryOptions.MethodDisplayOrDefault();
        var displayOptions = discoveryOptions.MethodDisplayOptionsOrDefault();
        var concrete = testMethod.TestClass.Class.ToRuntimeType();
        var skipReason = concrete?.GetProperty(SkipReasonProperty, BindingFlags.Public | BindingFlags.Static)?.GetValue(null) as string;
        IXunitTestCase testCase = skipReason is null
            ? new XunitTestCase(diagnosticMessageSink, display, displayOptions, testMethod)
            : new XunitSkippedDataRowTestCase(diagnosticMessageSink, display, displayOptions, testMethod, skipReason);
        return [testCase];
    }
}
