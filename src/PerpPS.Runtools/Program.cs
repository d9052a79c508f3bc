// Entry point placeholder: replaced by the real program in this project's own issue.
return 0;
