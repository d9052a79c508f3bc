// Nothing of ours on top of the Native AOT runtime: main returns at once.
return 0;
