using System.Text;
using Lepton.Data.Text.Import.Email;

namespace Lepton.Data.Tests.Text;

/// <summary>The e-mail reader on hand-written messages: multipart walks, transfer encodings, charsets, headers and HTML.</summary>
public sealed class MimeTextTests
{
    private static byte[] Mail(string text) => Encoding.Latin1.GetBytes(text.Replace("\n", "\r\n"));

    private const string Alternative = """
        From spammer@example.com  Mon Jan  1 00:00:00 2002
        Return-Path: <spammer@example.com>
        From: "Sender" <spammer@example.com>
        To: you@example.com
        Subject: =?utf-8?B?R3LDvMOfZQ==?= and =?iso-8859-1?Q?caf=E9?=
        MIME-Version: 1.0
        Content-Type: multipart/alternative;
         boundary="==b1=="

        This is a multi-part message in MIME format.
        --==b1==
        Content-Type: text/plain; charset=iso-8859-1
        Content-Transfer-Encoding: quoted-printable

        Caf=E9 cr=E8me, a soft=
         break.
        --==b1==
        Content-Type: text/html; charset=utf-8
        Content-Transfer-Encoding: base64

        PGh0bWw+PGJvZHk+PHA+SGk8L3A+PC9ib2R5PjwvaHRtbD4=
        --==b1==--
        """;

    [Fact]
    public void Extract_AlternativeWithQuotedPrintable_TakesThePlainPartDecoded()
    {
        var text = MimeText.Extract(Mail(Alternative), keepHeaders: false, keepHtml: false);
        Assert.Equal("Café crème, a soft break.", text);
    }

    [Fact]
    public void Extract_KeepHeaders_DecodesEncodedWordsAndKeepsTheBody()
    {
        var text = MimeText.Extract(Mail(Alternative), keepHeaders: true, keepHtml: false);
        Assert.Contains("Subject: Grüße and café", text);
        Assert.Contains("To: you@example.com", text);
        Assert.DoesNotContain("From spammer@example.com  Mon", text); // the mbox line is not a header
        Assert.EndsWith("Café crème, a soft break.", text);
    }

    private const string Mixed = """
        From: a@example.com
        To: b@example.com
        Subject: mixed
        Content-Type: multipart/mixed; boundary=outer

        --outer
        Content-Type: text/html; charset="shift_jis"
        Content-Transfer-Encoding: base64

        {0}
        --outer
        Content-Type: image/png
        Content-Transfer-Encoding: base64

        iVBORw0KGgo=
        --outer
        Content-Type: text/plain; charset=koi8-r
        Content-Transfer-Encoding: base64

        {1}
        --outer--
        """;

    private static byte[] MixedMail()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var html = Convert.ToBase64String(Encoding.GetEncoding("shift_jis").GetBytes("<html><style>p{color:red}</style><p>日本語の&amp;テキスト</p><br>二行目</html>"));
        var plain = Convert.ToBase64String(Encoding.GetEncoding("koi8-r").GetBytes("Привет, мир"));
        return Mail(Mixed.Replace("{0}", html).Replace("{1}", plain));
    }

    [Fact]
    public void Extract_MixedWithCharsetsAndHtml_StripsMarkupAndSkipsAttachments()
    {
        var text = MimeText.Extract(MixedMail(), keepHeaders: false, keepHtml: false);
        Assert.Equal("日本語の&テキスト\n\n二行目\n\nПривет, мир", text);
    }

    [Fact]
    public void Extract_KeepHtml_KeepsTheMarkup()
    {
        var text = MimeText.Extract(MixedMail(), keepHeaders: false, keepHtml: true);
        Assert.Contains("<p>日本語の&amp;テキスト</p>", text);
    }

    [Fact]
    public void Extract_DeclaredUtf8ThatIsNot_ThrowsUnlessReplacing()
    {
        var mail = Encoding.Latin1.GetBytes("From: a@x\r\nSubject: s\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nbad \xff byte");
        Assert.Throws<DecoderFallbackException>(() => MimeText.Extract(mail, false, false));
        Assert.Equal("bad \uFFFD byte", MimeText.Extract(mail, false, false, replaceInvalid: true));
    }

    [Fact]
    public void Extract_NoCharsetWithEightBitBytes_ReadsWindows1252()
    {
        var mail = Encoding.Latin1.GetBytes("From: a@x\r\nSubject: s\r\n\r\nna\xefve \x93quotes\x94");
        Assert.Equal("naïve \u201Cquotes\u201D", MimeText.Extract(mail, false, false));
    }

    [Fact]
    public void Extract_MultipartsNestedTooDeep_IsRefused()
    {
        var sb = new StringBuilder("From: a@x\r\nSubject: deep\r\nContent-Type: multipart/mixed; boundary=b0\r\n\r\n");
        for (int i = 1; i <= MimeText.MaxDepth + 2; i++)
            sb.Append($"--b{i - 1}\r\nContent-Type: multipart/mixed; boundary=b{i}\r\n\r\n");
        Assert.Throws<InvalidDataException>(() => MimeText.Extract(Encoding.ASCII.GetBytes(sb.ToString()), false, false));
    }

    [Theory]
    [InlineData("From x@y  Mon Jan 1\nReceived: from a\nFrom: a@b\nSubject: hi\n\nbody", true)]
    [InlineData("Subject: hi\nDate: today\n\nbody", true)]
    [InlineData("Dear friend: this is a letter.\nSubject: no\n", false)]
    [InlineData("Just a plain note.\n", false)]
    public void LooksLikeEmail_HeadersOrProse_IsToldApart(string text, bool email) =>
        Assert.Equal(email, MimeText.LooksLikeEmail(Encoding.UTF8.GetBytes(text)));

    [Theory]
    [InlineData("a=3Db", "a=b")]
    [InlineData("soft=\r\nbreak", "softbreak")]
    [InlineData("trailing =  \nspace", "trailing space")]
    [InlineData("bad =ZZ escape", "bad =ZZ escape")]
    public void QuotedPrintable_Decode_HandlesEscapesAndSoftBreaks(string input, string expected) =>
        Assert.Equal(expected, Encoding.Latin1.GetString(QuotedPrintable.Decode(Encoding.Latin1.GetBytes(input))));
}
