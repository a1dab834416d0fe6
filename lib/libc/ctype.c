/*
 * <ctype.h> for the "C" locale, which is the only locale hvut has. Range checks
 * instead of a table: they are as fast here and make the class definitions
 * readable. Arguments outside unsigned-char range (EOF included) are in no class.
 */
#include <ctype.h>

static int in(int c, int lo, int hi)
{
	return c >= lo && c <= hi;
}

int isdigit(int c)  { return in(c, '0', '9'); }
int isupper(int c)  { return in(c, 'A', 'Z'); }
int islower(int c)  { return in(c, 'a', 'z'); }
int isalpha(int c)  { return isupper(c) || islower(c); }
int isalnum(int c)  { return isalpha(c) || isdigit(c); }
int isxdigit(int c) { return isdigit(c) || in(c, 'a', 'f') || in(c, 'A', 'F'); }
/* ' ', \t, \n, \v, \f, \r */
int isspace(int c)  { return c == ' ' || in(c, '\t', '\r'); }
int isprint(int c)  { return in(c, 0x20, 0x7e); }
int isgraph(int c)  { return in(c, 0x21, 0x7e); }
int iscntrl(int c)  { return in(c, 0x00, 0x1f) || c == 0x7f; }
int ispunct(int c)  { return isgraph(c) && !isalnum(c); }

int toupper(int c)  { return islower(c) ? c - 'a' + 'A' : c; }
int tolower(int c)  { return isupper(c) ? c - 'A' + 'a' : c; }
