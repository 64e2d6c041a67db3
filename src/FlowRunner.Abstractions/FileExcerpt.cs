namespace FlowRunner.Abstractions;

/// <summary>The one way an error quotes the content of a file that is not a recipe (a Liberty, LEF, tech file, network description,
/// weights, data set): only the start of the offending token, so a file given by mistake (/etc/shadow) never has its lines printed.</summary>
public static class FileExcerpt
{
    private const int MaxLength = 32;

    /// <summary>The leading name-like part of the token (letters, digits and `_-.&lt;&gt;,/[]`), at most 32 characters, with `…` when anything was
    /// cut; a token that starts with any other character is shown by that character alone.</summary>
    public static string Token(string token)
    {
        var n = 0;
        while (n < token.Length && n < MaxLength && (char.IsAsciiLetterOrDigit(token[n]) || token[n] is '_' or '-' or '.' or '<' or '>' or ',' or '/' or '[' or ']')) n++;
        if (n == 0 && token.Length > 0) n = char.IsControl(token[0]) ? 0 : 1;
        return n == token.Length ? token : token[..n] + "…";
    }
}
