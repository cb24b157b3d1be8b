// Timing harness around llm.c's train_gpt2.c (bench/trainer-llmc.sh): includes it unmodified, its main renamed,
// builds a GPT-2 of the given shape with random N(0, 0.02) weights and random tokens, and times
// forward + zero_grad + backward + AdamW steps. Usage: L NH C maxT V B T seconds [warm-up steps].
#define main llmc_main
#include "train_gpt2.c" // from LLMC_DIR (-I)
#undef main
static double now(){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec*1e-9;}
static double cpu(){struct timespec t;clock_gettime(CLOCK_PROCESS_CPUTIME_ID,&t);return t.tv_sec+t.tv_nsec*1e-9;}
int main(int argc,char**argv){
  if(argc<9){fprintf(stderr,"usage: L NH C maxT V B T seconds\n");return 1;}
  int L=atoi(argv[1]),NH=atoi(argv[2]),C=atoi(argv[3]),maxT=atoi(argv[4]),V=atoi(argv[5]),B=atoi(argv[6]),T=atoi(argv[7]);
  double secs=atof(argv[8]);
  GPT2 model; memset(&model,0,sizeof model);
  model.config.max_seq_len=maxT; model.config.vocab_size=V; model.config.num_layers=L;
  model.config.num_heads=NH; model.config.channels=C; model.config.padded_vocab_size=(V+127)/128*128;
  fill_in_parameter_sizes(model.param_sizes,model.config);
  size_t n=0; for(int i=0;i<NUM_PARAMETER_TENSORS;i++) n+=model.param_sizes[i];
  model.num_parameters=n;
  model.params_memory=malloc_and_point_parameters(&model.params,model.param_sizes);
  uint64_t rng=1337;
  for(size_t i=0;i<n;i++){ // Box-Muller normal * 0.02
    float u1=(random_u32(&rng)>>8)/16777216.0f+1e-7f,u2=(random_u32(&rng)>>8)/16777216.0f;
    model.params_memory[i]=0.02f*sqrtf(-2*logf(u1))*cosf(6.2831853f*u2);}
  model.mean_loss=-1.0f;
  int*tok=malloc(sizeof(int)*(B*T+1));
  printf("llm.c L%d C%d NH%d T%d B%d V%d params=%zu threads=%d\n",L,C,NH,T,B,V,n,omp_get_max_threads());
  int warm=argc>9?atoi(argv[9]):2; int steps=0; double tstart=now(), cstart=cpu(); int measured=0;
  for(;;){
    for(int i=0;i<=B*T;i++) tok[i]=random_u32(&rng)%V;
    double s=now();
    gpt2_forward(&model,tok,tok+1,B,T); gpt2_zero_grad(&model); gpt2_backward(&model);
    gpt2_update(&model,1e-4f,0.9f,0.999f,1e-8f,0.0f,steps+1);
    double e=now(); steps++;
    if(steps==warm){tstart=e;cstart=cpu();} // first two steps warm up (allocation, page faults)
    if(steps>warm){measured++; printf("step %d: %.0f ms loss %.4f\n",steps,(e-s)*1e3,model.mean_loss);}
    if(steps>warm && (e-tstart>=secs || measured>=2 && secs<=0)) break;
  }
  double el=now()-tstart, ce=cpu()-cstart;
  double fpt=6.0*(n-(size_t)maxT*C-(size_t)(model.config.padded_vocab_size-V)*C)+12.0*L*C*T;
  printf("RESULT llm.c steps=%d seconds=%.2f cpu_seconds=%.2f steps/s=%.4f tokens/s=%.1f GFLOP/s=%.2f GFLOP_per_CPU_s=%.2f\n",measured,el,ce,measured/el,measured*(double)B*T/el,measured*(double)B*T*fpt/el/1e9,measured*(double)B*T*fpt/ce/1e9);
  return 0;
}
