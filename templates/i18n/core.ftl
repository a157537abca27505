# Shared by every language: the names of languages, each in itself (the language chooser and the
# form's list of report languages).

language-en = English
language-zh-Hans = 简体中文
language-es = Español
language-fr = Français
language-ru = Русский
language-ar = العربية
language-de = Deutsch
language-it = Italiano
language-nl = Nederlands
language-pl = Polski
language-pt = Português
language-uk = Українська
language-tr = Türkçe
